// Real: loadConfig on settings maps, with token, RBAC and kubeconfig files written to a
// temporary directory. Nothing is mocked and process.env is not read.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './common/config/validate-env';
import { loadConfig } from './gateway.config';

const dir = mkdtempSync(join(tmpdir(), 'config-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const RBAC = file(
  'rbac.yaml',
  `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: job-reader}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
subjects: [{kind: Group, name: admins}]
roleRef: {kind: ClusterRole, name: job-reader}
`,
);
const TOKENS = file('tokens.csv', 'tok-ann,ann,u1,admins\n');
const kubeconfig = (name: string, body: string): string =>
  file(name, `apiVersion: v1\nkind: Config\n${body}`);
const HTTP_KUBECONFIG = kubeconfig(
  'http.yaml',
  `clusters: [{name: proxy, cluster: {server: "http://127.0.0.1:8001"}}]
users: [{name: me, user: {token: t}}]
contexts: [{name: proxy, context: {cluster: proxy, user: me}}]
current-context: proxy
`,
);

/** The problems loadConfig reports for `env`, in order. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('gives the defaults for an empty environment: the fake, and a dev admin', () => {
    const c = loadConfig({});
    expect(c.app).toEqual({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      logFormat: 'auto',
      // Colour only on a terminal without NO_COLOR: whatever runs this test decides.
      logColour: expect.any(Boolean),
      bodyLimitBytes: 3145728,
    });
    expect(c.k8s).toMatchObject({
      backend: 'fake',
      timeoutMs: 10000,
      maxResponseBytes: 10485760,
      fakeTimeScale: 1,
    });
    expect(c.auth.modes).toEqual(['dev']);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ AUTH_MODE: '', PORT: '', AUTH_TOKEN_FILE: '' }).app.port).toBe(3000);
  });

  it('lists every problem at once, across sections and inside the token file', () => {
    const tokens = file(
      'bad-tokens.csv',
      ['ok,ann,u1', 'only-a-token', 'dup,bob,u2', ',carl,u3', 'dup,dan,u4', 'x,y,"open'].join('\n'),
    );
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', K8S_TIMEOUT_MS: '5', AUTH_MODE: 'magic' });
    } catch (e) {
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe(`invalid configuration (${lines.length - 1} problems):`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '- PORT="eighty": PORT must be an integer number',
        '- K8S_TIMEOUT_MS="5": K8S_TIMEOUT_MS must not be less than 100',
        '- AUTH_MODE: unknown mode "magic"; use token-file, oidc (or both), passthrough, none or dev',
      ]),
    );
    const all = problems({
      PORT: 'eighty',
      AUTH_MODE: 'token-file,magic',
      AUTH_TOKEN_FILE: tokens,
      AUTH_RBAC_FILE: RBAC,
    });
    expect(all.filter((p) => p.startsWith('PORT='))).not.toHaveLength(0);
    expect(all.filter((p) => !p.startsWith('PORT='))).toEqual([
      'AUTH_MODE: unknown mode "magic"; use token-file, oidc (or both), passthrough, none or dev',
      `AUTH_TOKEN_FILE ${tokens} line 2: must have at least 3 columns (token, user name, user uid), found 1`,
      `AUTH_TOKEN_FILE ${tokens} line 4: token and user name must not be empty`,
      `AUTH_TOKEN_FILE ${tokens} line 5: the same token as line 3; every token must be unique`,
      `AUTH_TOKEN_FILE ${tokens} line 6: unterminated quote`,
    ]);
  });

  it.each([
    [
      { AUTH_TOKEN_FILE: TOKENS },
      'AUTH_TOKEN_FILE is set but AUTH_MODE is unset: add token-file to AUTH_MODE or unset it',
    ],
    [
      { AUTH_MODE: 'passthrough', AUTH_RBAC_FILE: RBAC },
      'AUTH_RBAC_FILE is set but AUTH_MODE is passthrough: the file is only read for token-file and oidc callers',
    ],
    [
      { AUTH_OIDC_ISSUER_URL: 'https://issuer.example', AUTH_OIDC_GROUPS_CLAIM: 'groups' },
      'AUTH_OIDC_ISSUER_URL, AUTH_OIDC_GROUPS_CLAIM set but AUTH_MODE is unset: add oidc to AUTH_MODE or unset them',
    ],
    [
      { AUTH_MODE: 'passthrough', AUTH_IMPERSONATE: 'true' },
      'AUTH_IMPERSONATE=true does nothing with AUTH_MODE=passthrough: only authenticated callers can be impersonated',
    ],
    [{ K8S_CONTEXT: 'prod' }, 'K8S_CONTEXT is set but K8S_BACKEND is fake: set K8S_BACKEND=cluster'],
    [
      {
        K8S_BACKEND: 'cluster',
        KUBECONFIG: HTTP_KUBECONFIG,
        AUTH_MODE: 'passthrough',
        FAKE_APISERVER_PORT: '8080',
      },
      'FAKE_APISERVER_PORT is set but K8S_BACKEND is cluster: the embedded fake does not start',
    ],
    [
      {
        K8S_BACKEND: 'cluster',
        KUBECONFIG: HTTP_KUBECONFIG,
        AUTH_MODE: 'passthrough',
        FAKE_TIME_SCALE: '10',
      },
      'FAKE_TIME_SCALE is set but K8S_BACKEND is cluster: the embedded fake does not start',
    ],
    [
      { AUTH_MODE: 'dev,token-file', AUTH_TOKEN_FILE: TOKENS, AUTH_RBAC_FILE: RBAC },
      'AUTH_MODE: dev cannot be combined with other modes',
    ],
  ])('refuses a setting that would do nothing: %j', (env, problem) => {
    expect(problems(env)).toEqual([problem]);
  });

  it('never generates an admin for a real cluster unless asked for by name', () => {
    expect(problems({ K8S_BACKEND: 'cluster', KUBECONFIG: HTTP_KUBECONFIG })).toEqual([
      'AUTH_MODE is required with K8S_BACKEND=cluster: token-file, oidc, passthrough, or dev to generate a dev-admin token',
    ]);
    expect(
      loadConfig({ K8S_BACKEND: 'cluster', KUBECONFIG: HTTP_KUBECONFIG, AUTH_MODE: 'dev' }).auth.modes,
    ).toEqual(['dev']);
  });

  it('parses the token and RBAC files once, into the configuration', () => {
    const c = loadConfig({ AUTH_MODE: 'token-file', AUTH_TOKEN_FILE: TOKENS, AUTH_RBAC_FILE: RBAC });
    expect(c.auth.tokenFile?.entries.map((e) => e.user.name)).toEqual(['ann']);
    const ann = { name: 'ann', groups: ['admins'] };
    const jobs = (verb: string) => ({ verb, apiGroup: 'batch', resource: 'jobs', namespace: 'x' });
    expect(c.auth.rbacFile?.policy.allows(ann, jobs('get'))).toBe(true);
    expect(c.auth.rbacFile?.policy.allows(ann, jobs('delete'))).toBe(false);
  });

  describe('kubeconfig, as kubectl reads it', () => {
    const cluster = (env: Record<string, string>) =>
      loadConfig({ K8S_BACKEND: 'cluster', AUTH_MODE: 'passthrough', ...env }).k8s;

    it('takes a plain http:// server as it is (kubectl proxy, kwok)', () => {
      const k8s = cluster({ KUBECONFIG: HTTP_KUBECONFIG });
      expect(k8s.kubeConfig?.getCurrentCluster()?.server).toBe('http://127.0.0.1:8001');
      expect(k8s.kubeConfig?.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
    });

    it('merges a KUBECONFIG list: the first file to name an entry or a current-context wins', () => {
      const first = kubeconfig(
        'first.yaml',
        `clusters: [{name: shared, cluster: {server: "https://first.example"}}]
contexts: [{name: a, context: {cluster: shared, user: u}}]
current-context: a
`,
      );
      const second = kubeconfig(
        'second.yaml',
        `clusters: [{name: shared, cluster: {server: "https://second.example"}}, {name: other, cluster: {server: "https://other.example"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: b, context: {cluster: other, user: u}}]
current-context: b
`,
      );
      const k8s = cluster({ KUBECONFIG: `${first}:${join(dir, 'missing.yaml')}:${second}` });
      expect(k8s.kubeConfig?.getCurrentContext()).toBe('a');
      expect(k8s.kubeConfig?.getCurrentCluster()?.server).toBe('https://first.example');
      expect(
        cluster({ KUBECONFIG: `${first}:${second}`, K8S_CONTEXT: 'b' }).kubeConfig?.getCurrentCluster()
          ?.server,
      ).toBe('https://other.example');
    });

    it.each([
      [
        'a proxy-url',
        `clusters: [{name: c, cluster: {server: "https://k.example", proxy-url: "http://proxy:3128"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
`,
        'cluster "c" has proxy-url http://proxy:3128: the gateway does not connect through proxies; reach the apiserver directly',
      ],
      [
        'a server without a scheme',
        `clusters: [{name: c, cluster: {server: "k.example:6443"}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
`,
        'cluster "c" has server "k.example:6443": it must be an https:// or http:// URL',
      ],
      [
        'no current-context',
        `clusters: [{name: c, cluster: {server: "https://k.example"}}]
contexts: [{name: x, context: {cluster: c}}]
`,
        expect.stringMatching(/^the kubeconfig \(KUBECONFIG .*\) has no current-context: set K8S_CONTEXT$/),
      ],
      [
        'a context naming a missing user',
        `clusters: [{name: c, cluster: {server: "https://k.example"}}]
contexts: [{name: x, context: {cluster: c, user: nobody}}]
current-context: x
`,
        'context "x" names user "nobody", which the kubeconfig lacks',
      ],
      [
        'certificate files that are not there',
        `clusters: [{name: c, cluster: {server: "https://k.example", certificate-authority: /nonexistent/ca.crt}}]
users: [{name: u, user: {client-certificate: /nonexistent/u.crt, client-key-data: AAAA}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
        [
          'cluster "c" certificate-authority /nonexistent/ca.crt does not exist',
          'user "u" client-certificate /nonexistent/u.crt does not exist',
        ],
      ],
    ])('names the problem of %s', (name, body, problem) => {
      const path = kubeconfig(`${name.replace(/\W+/g, '-')}.yaml`, body);
      expect(problems({ K8S_BACKEND: 'cluster', AUTH_MODE: 'passthrough', KUBECONFIG: path })).toEqual(
        [problem].flat(),
      );
    });

    it("reads ~/.kube/config before the pod's service account, as kubectl does", () => {
      const home = mkdtempSync(join(dir, 'home-'));
      mkdirSync(join(home, '.kube'));
      copyFileSync(HTTP_KUBECONFIG, join(home, '.kube', 'config'));
      const k8s = cluster({
        HOME: home,
        KUBERNETES_SERVICE_HOST: '10.0.0.1',
        KUBERNETES_SERVICE_PORT: '443',
      });
      expect(k8s.kubeConfigSource).toBe(join(home, '.kube', 'config'));
      expect(k8s.kubeConfig?.getCurrentCluster()?.server).toBe('http://127.0.0.1:8001');
    });

    it('names a missing file, a missing context, and a missing kubeconfig', () => {
      expect(
        problems({ K8S_BACKEND: 'cluster', AUTH_MODE: 'passthrough', KUBECONFIG: join(dir, 'nope.yaml') }),
      ).toEqual([expect.stringMatching(/^cannot load the kubeconfig: ENOENT/)]);
      expect(
        problems({
          K8S_BACKEND: 'cluster',
          AUTH_MODE: 'passthrough',
          KUBECONFIG: HTTP_KUBECONFIG,
          K8S_CONTEXT: 'prod',
        }),
      ).toEqual([`K8S_CONTEXT=prod is not a context of the kubeconfig (KUBECONFIG ${HTTP_KUBECONFIG})`]);
      expect(problems({ K8S_BACKEND: 'cluster', AUTH_MODE: 'passthrough', HOME: dir })).toEqual([
        `K8S_BACKEND=cluster but no kubeconfig: set KUBECONFIG, run in a pod, or create ${join(dir, '.kube', 'config')}`,
      ]);
    });
  });
});
