import { parseTokenFile, TokenFileAuthenticator, TokenFileError } from './token-file.authenticator';

describe('token file (kube-apiserver --token-auth-file format)', () => {
  const file = [
    '# comment',
    'tok-alice,alice,uid-1,"editors,team-a"',
    'tok-bob,bob,uid-2',
    '',
    '"tok,with,commas",carol,uid-3,ops',
  ].join('\n');
  const auth = new TokenFileAuthenticator(parseTokenFile(file));

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
    ['just-a-token', /must have at least 3 columns \(token, user name, user uid\), found 1/],
    ['t,u,"unterminated', /unterminated quote/],
    [',u,uid', /must not be empty/],
  ])('rejects %j', (line, message) => {
    expect(() => parseTokenFile(line)).toThrow(TokenFileError);
    expect(() => parseTokenFile(line)).toThrow(message);
  });
});
