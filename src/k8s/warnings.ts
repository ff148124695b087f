// The apiserver's warnings travel as `Warning: 299 - "<text>"` headers (RFC 7234 form).

export const warningHeader = (text: string): string => `299 - ${JSON.stringify(text)}`;

/** One header per distinct text, in order. */
export const warningHeaders = (texts: readonly string[]): string[] => [...new Set(texts)].map(warningHeader);

/** Parses warning headers back into their texts. */
export function parseWarnings(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  const re = /\d{3} \S+ ("(?:[^"\\]|\\.)*")/g;
  for (const h of Array.isArray(header) ? header : [header]) {
    for (const m of h.matchAll(re)) {
      try {
        out.push(JSON.parse(m[1]) as string);
      } catch {
        out.push(m[1]);
      }
    }
  }
  return out;
}
