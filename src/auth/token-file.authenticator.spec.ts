// Real: the parser and the authenticator on strings and files written here; nothing mocked.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTokenFile, readTokenFile, TokenFileAuthenticator } from './token-file.authenticator';

describe('token file (kube-apiserver --token-auth-file format)', () => {
  const file = [
    '# comment',
    'tok-alice,alice,uid-1,"editors,team-a"',
    'tok-bob,bob,uid-2',
    '',
    '"tok,with,commas",carol,uid-3,ops',
  ].join('\n');
  const parsed = parseTokenFile(file);
  const auth = new TokenFileAuthenticator(parsed.entries);

  it('reads a good file without problems', () => {
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries).toHaveLength(3);
  });

  it.each([
    ['tok-alice', { name: 'alice', uid: 'uid-1', groups: ['editors', 'team-a', 'system:authenticated'] }],
    ['tok-bob', { name: 'bob', uid: 'uid-2', groups: ['system:authenticated'] }],
    ['tok,with,commas', { name: 'carol', uid: 'uid-3', groups: ['ops', 'system:authenticated'] }],
    ['tok-alice ', undefined],
    ['unknown', undefined],
    ['', undefined],
  ])('%j authenticates as %j', async (token, user) => {
    expect(await auth.authenticate(token)).toEqual(user);
  });

  it.each([
    ['just-a-token', 'tokens line 1: must have at least 3 columns (token, user name, user uid), found 1'],
    ['t,u,"unterminated', 'tokens line 1: unterminated quote'],
    [',u,uid', 'tokens line 1: token and user name must not be empty'],
  ])('rejects %j', (line, message) => {
    expect(parseTokenFile(line, 'tokens').problems).toEqual([message]);
  });

  it('reports every bad line with its number, and keeps the good ones', () => {
    const text = ['ok-1,ann,u1', 'bad', '# fine', 'x,,u', 'ok-2,ben,u2', 'y,z,"open'].join('\n');
    const { entries, problems } = parseTokenFile(text, 'tokens.csv');
    expect(problems).toEqual([
      'tokens.csv line 2: must have at least 3 columns (token, user name, user uid), found 1',
      'tokens.csv line 4: token and user name must not be empty',
      'tokens.csv line 6: unterminated quote',
    ]);
    expect(entries.map((e) => e.user.name)).toEqual(['ann', 'ben']);
  });

  it('refuses a token given twice, naming both lines but not the token', () => {
    const { problems } = parseTokenFile('secret-1,ann,u1\nsecret-2,ben,u2\nsecret-1,eve,u3', 'tokens.csv');
    expect(problems).toEqual(['tokens.csv line 3: the same token as line 1; every token must be unique']);
    expect(problems.join('')).not.toContain('secret-1');
  });

  it('reports a file that cannot be read, or holds no token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    expect(readTokenFile(join(dir, 'missing.csv')).problems).toEqual([
      expect.stringMatching(/^cannot read AUTH_TOKEN_FILE .*missing\.csv: ENOENT/),
    ]);
    writeFileSync(join(dir, 'empty.csv'), '# nobody yet\n');
    expect(readTokenFile(join(dir, 'empty.csv')).problems).toEqual([
      `AUTH_TOKEN_FILE ${join(dir, 'empty.csv')} holds no tokens: nobody could sign in`,
    ]);
  });
});
