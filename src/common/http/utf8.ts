// Where a body stops being UTF-8. TextDecoder's fatal mode only says that it is not.

const continuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

/** The offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte ranges and second-byte bounds of RFC 3629 (no overlongs, no surrogates).
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    const second = buf[i + 1];
    if (second === undefined || second < lo || second > hi) return i;
    for (let k = 2; k < len; k++) if (!continuation(buf[i + k])) return i;
    i += len;
  }
  return -1;
}
