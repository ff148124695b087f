// kube-apiserver's --token-auth-file: CSV lines `token,user,uid[,"group1,group2"]`.
// Tokens are kept as SHA-256 digests and compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Authenticator } from './authenticator';
import { AUTHENTICATED_GROUP, UserInfo } from './user-info';

interface Entry {
  digest: Buffer;
  user: UserInfo;
}

export class TokenFileError extends Error {}

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
  if (quoted) throw new TokenFileError('unterminated quote');
  out.push(cur);
  return out;
}

const digest = (token: string): Buffer => createHash('sha256').update(token).digest();

export function parseTokenFile(text: string, file = 'token file'): Entry[] {
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let record: string[];
    try {
      record = parseCsvLine(line);
    } catch (e) {
      throw new TokenFileError(`${file} line ${i + 1}: ${(e as Error).message}`);
    }
    if (record.length < 3)
      throw new TokenFileError(
        `${file} line ${i + 1}: must have at least 3 columns (token, user name, user uid), found ${record.length}`,
      );
    const [token, name, uid, groups = ''] = record;
    if (!token || !name)
      throw new TokenFileError(`${file} line ${i + 1}: token and user name must not be empty`);
    const groupList = groups
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    entries.push({
      digest: digest(token),
      user: { name, uid: uid || undefined, groups: [...groupList, AUTHENTICATED_GROUP] },
    });
  });
  return entries;
}

export class TokenFileAuthenticator extends Authenticator {
  constructor(private readonly entries: Entry[]) {
    super();
  }

  static fromFile(path: string): TokenFileAuthenticator {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new TokenFileError(`cannot read AUTH_TOKEN_FILE ${path}: ${(e as Error).message}`);
    }
    return new TokenFileAuthenticator(parseTokenFile(text, path));
  }

  static forToken(token: string, user: UserInfo): TokenFileAuthenticator {
    return new TokenFileAuthenticator([{ digest: digest(token), user }]);
  }

  authenticate(token: string): Promise<UserInfo | undefined> {
    const presented = digest(token);
    let found: UserInfo | undefined;
    // Every entry is compared, so the time taken says nothing about which one matched.
    for (const e of this.entries) if (timingSafeEqual(e.digest, presented) && !found) found = e.user;
    return Promise.resolve(found);
  }
}
