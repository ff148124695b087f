// Token-file authentication for a test gateway: the CSV lines given, and an RBAC file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function writeAuthFiles(tokenLines: string, rbac = ''): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-auth-'));
  writeFileSync(join(dir, 'tokens.csv'), `${tokenLines}\n`);
  writeFileSync(join(dir, 'rbac.yaml'), rbac);
  return {
    AUTH_MODE: 'token-file',
    AUTH_TOKEN_FILE: join(dir, 'tokens.csv'),
    AUTH_RBAC_FILE: join(dir, 'rbac.yaml'),
  };
}

/** Two ClusterRoles bound to groups: "editors" may get, create and delete Jobs, "viewers" only get them. */
export const EDITORS_AND_VIEWERS_RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: job-editor}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, create, delete]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: job-viewer}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: editors}
subjects: [{kind: Group, name: editors}]
roleRef: {kind: ClusterRole, name: job-editor, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: viewers}
subjects: [{kind: Group, name: viewers}]
roleRef: {kind: ClusterRole, name: job-viewer, apiGroup: rbac.authorization.k8s.io}
`;
