// kube-apiserver's --token-auth-file: CSV lines `token,user,uid[,"group1,group2"]`.
// Tokens are kept as SHA-256 digests, and a presented token is found by its digest: one
// lookup whatever the file's size, and its time says nothing about any token (finding a
// token whose digest is near another's is a preimage attack).
import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Authenticator } from './authenticator';
import { AUTHENTICATED_GROUP, UserInfo } from './user-info';

export interface TokenEntry {
  /** SHA-256 of the token, base64url. */
  digest: string;
  user: UserInfo;
}

class CsvError extends Error {}

/** One CSV record: commas separate, double quotes group, "" is a quote. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new CsvError('unterminated quote');
  out.push(cur);
  return out;
}

const digest = (token: string): string => hash('sha256', token, 'base64url');

export interface TokenFile {
  entries: TokenEntry[];
  /** Every line that could not be read, with its number; empty when the file is good. */
  problems: string[];
}

/** Reads every line, so that a file with several mistakes reports all of them at once. */
export function parseTokenFile(text: string, file = 'token file'): TokenFile {
  const entries: TokenEntry[] = [];
  const problems: string[] = [];
  // Digest to line number: a token given twice would make one of its users unreachable.
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const at = `${file} line ${i + 1}`;
    if (!line || line.startsWith('#')) return;
    let record: string[];
    try {
      record = parseCsvLine(line);
    } catch (e) {
      problems.push(`${at}: ${(e as Error).message}`);
      return;
    }
    if (record.length < 3) {
      problems.push(
        `${at}: must have at least 3 columns (token, user name, user uid), found ${record.length}`,
      );
      return;
    }
    const [token, name, uid, groups = ''] = record;
    if (!token || !name) {
      problems.push(`${at}: token and user name must not be empty`);
      return;
    }
    const d = digest(token);
    const first = seen.get(d);
    if (first !== undefined) {
      // Never the token itself: this message reaches logs.
      problems.push(`${at}: the same token as line ${first}; every token must be unique`);
      return;
    }
    seen.set(d, i + 1);
    const groupList = groups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    entries.push({
      digest: d,
      user: { name, uid: uid || undefined, groups: [...groupList, AUTHENTICATED_GROUP] },
    });
  });
  return { entries, problems };
}

/** Reads and parses the file; a file that cannot be read is one problem. */
export function readTokenFile(path: string): TokenFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { entries: [], problems: [`cannot read AUTH_TOKEN_FILE ${path}: ${(e as Error).message}`] };
  }
  const parsed = parseTokenFile(text, `AUTH_TOKEN_FILE ${path}`);
  if (!parsed.entries.length && !parsed.problems.length)
    parsed.problems.push(`AUTH_TOKEN_FILE ${path} holds no tokens: nobody could sign in`);
  return parsed;
}

export class TokenFileAuthenticator extends Authenticator {
  private readonly users: ReadonlyMap<string, UserInfo>;

  constructor(entries: readonly TokenEntry[]) {
    super();
    this.users = new Map(entries.map((e) => [e.digest, e.user]));
  }

  static forToken(token: string, user: UserInfo): TokenFileAuthenticator {
    return new TokenFileAuthenticator([{ digest: digest(token), user }]);
  }

  authenticate(token: string): Promise<UserInfo | undefined> {
    return Promise.resolve(this.users.get(digest(token)));
  }
}
