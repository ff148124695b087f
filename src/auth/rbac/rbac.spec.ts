import { RbacFileError, RbacPolicy, ResourceAttributes } from './rbac';

const POLICY = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: job-viewer}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: job-editor, namespace: team-a}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [get, create, delete]}
- {apiGroups: [""], resources: [pods], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: one-job, namespace: team-a}
rules:
- {apiGroups: [batch], resources: [jobs], verbs: [delete], resourceNames: [nightly]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: alice-edits, namespace: team-a}
subjects: [{kind: User, name: alice}]
roleRef: {kind: Role, name: job-editor, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: viewers-read, namespace: team-a}
subjects: [{kind: Group, name: viewers}]
roleRef: {kind: ClusterRole, name: job-viewer, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: carol-nightly, namespace: team-a}
subjects: [{kind: User, name: carol}]
roleRef: {kind: Role, name: one-job, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-everywhere}
subjects: [{kind: ServiceAccount, name: ci, namespace: tools}]
roleRef: {kind: ClusterRole, name: job-viewer, apiGroup: rbac.authorization.k8s.io}
`;

const policy = RbacPolicy.parse(POLICY);
const user = (name: string, ...groups: string[]) => ({ name, groups: [...groups, 'system:authenticated'] });
const jobs = (verb: string, namespace: string, name?: string): ResourceAttributes => ({
  verb,
  apiGroup: 'batch',
  resource: 'jobs',
  namespace,
  name,
});

describe('RBAC evaluation', () => {
  it.each([
    ['alice creates in team-a (Role via RoleBinding)', user('alice'), jobs('create', 'team-a'), true],
    ['alice deletes in team-a', user('alice'), jobs('delete', 'team-a', 'x'), true],
    ['alice creates in team-b (binding is namespaced)', user('alice'), jobs('create', 'team-b'), false],
    ['alice lists in team-a (verb not granted)', user('alice'), jobs('list', 'team-a'), false],
    [
      'a viewer reads in team-a (ClusterRole via RoleBinding)',
      user('bob', 'viewers'),
      jobs('get', 'team-a', 'x'),
      true,
    ],
    ['a viewer reads in team-b', user('bob', 'viewers'), jobs('get', 'team-b', 'x'), false],
    ['a viewer creates', user('bob', 'viewers'), jobs('create', 'team-a'), false],
    ['carol deletes the named job', user('carol'), jobs('delete', 'team-a', 'nightly'), true],
    ['carol deletes another job', user('carol'), jobs('delete', 'team-a', 'daily'), false],
    [
      'the ci service account reads anywhere',
      user('system:serviceaccount:tools:ci'),
      jobs('get', 'prod', 'x'),
      true,
    ],
    ['another service account', user('system:serviceaccount:other:ci'), jobs('get', 'prod', 'x'), false],
    ['system:masters may do anything', user('root', 'system:masters'), jobs('delete', 'prod', 'x'), true],
    ['nobody else', user('mallory'), jobs('get', 'team-a', 'x'), false],
    [
      'pods rules do not grant jobs',
      user('alice'),
      { ...jobs('get', 'team-a', 'x'), resource: 'pods', apiGroup: 'batch' },
      false,
    ],
  ])('%s: %s', (_name, u, attrs, allowed) => {
    expect(policy.allows(u, attrs)).toBe(allowed);
  });

  it('gives wildcards their meaning', () => {
    const p = RbacPolicy.parse(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: all}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops}
subjects: [{kind: Group, name: ops}]
roleRef: {kind: ClusterRole, name: all}
`);
    expect(p.allows(user('o', 'ops'), jobs('delete', 'any', 'x'))).toBe(true);
  });

  it.each([
    ['kind: Pod\napiVersion: v1\nmetadata: {name: x}\n', /apiVersion must be rbac.authorization.k8s.io\/v1/],
    [
      'kind: Role\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: x}\nrules: []\n',
      /a Role needs metadata.namespace/,
    ],
    [
      'kind: ClusterRoleBinding\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: x}\nroleRef: {kind: Role, name: r}\n',
      /can only refer to a ClusterRole/,
    ],
    [
      'kind: Secret\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: x}\n',
      /only Role, ClusterRole/,
    ],
  ])('rejects a bad policy file', (text, message) => {
    expect(() => RbacPolicy.parse(text)).toThrow(RbacFileError);
    expect(() => RbacPolicy.parse(text)).toThrow(message);
  });
});

describe('reading a policy file', () => {
  it('reports every bad object at once, each with the line it starts on', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: ok}
rules: [{verbs: [get], apiGroups: [batch], resources: [jobs]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: b}
  roleRef: {kind: ClusterRole, name: ok}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: ok}
  rules: []
`;
    const { problems } = RbacPolicy.read(text, 'rbac.yaml');
    expect(problems).toEqual([
      'rbac.yaml line 1: Pod "a": apiVersion must be rbac.authorization.k8s.io/v1',
      'rbac.yaml line 13: RoleBinding "b": a RoleBinding needs metadata.namespace',
      'rbac.yaml line 17: ClusterRole ok is defined more than once',
    ]);
    expect(() => RbacPolicy.parse(text, 'rbac.yaml')).toThrow(/line 1: [\s\S]*line 13: [\s\S]*line 17: /);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(RbacPolicy.read('kind: Role\n  bad: [', 'rbac.yaml').problems).toEqual([
      expect.stringMatching(/^rbac\.yaml line \d+: /),
    ]);
  });
});
