// Query values as the apiserver reads them (Go's strconv.ParseBool and ParseInt), for
// a DTO's @From; anything else is left as it came, for a Check to name.

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

export const toBool = (value: unknown): unknown =>
  typeof value === 'string' && TRUE.includes(value)
    ? true
    : typeof value === 'string' && FALSE.includes(value)
      ? false
      : value;

export const toInt = (value: unknown): unknown =>
  typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
