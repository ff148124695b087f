// deploy/ is applied to the real apiserver, server-side: every object is one the cluster
// accepts as written (schemas, defaults, admission), not only one that kustomize renders.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { realInfo } from './target';

const ROOT = join(__dirname, '../..');

function kubectl(args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', realInfo().kubeconfig, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** kubectl auth can-i: "yes" or "no" (it exits 1 on no). */
const canI = (verb: string, resource: string): string =>
  spawnSync(
    'kubectl',
    [
      '--kubeconfig',
      realInfo().kubeconfig,
      'auth',
      'can-i',
      verb,
      resource,
      '-n',
      'default',
      '--as=system:serviceaccount:job-gateway:job-gateway',
    ],
    { encoding: 'utf8' },
  ).stdout.trim();

describe('deploy/ on a real apiserver', () => {
  it('applies server-side, and then for real, with every object accepted', () => {
    kubectl(['create', 'namespace', 'job-gateway']);
    kubectl([
      '-n',
      'job-gateway',
      'create',
      'secret',
      'generic',
      'job-gateway-auth',
      '--from-file=tokens.csv=examples/auth/tokens.csv',
      '--from-file=rbac.yaml=examples/auth/rbac.yaml',
    ]);
    const dry = kubectl(['apply', '-k', 'deploy/', '--server-side', '--dry-run=server']);
    expect(dry).toMatch(/deployment\.apps\/job-gateway serverside-applied \(server dry run\)/);
    kubectl(['apply', '-k', 'deploy/', '--server-side']);
    const deployment = JSON.parse(
      kubectl(['-n', 'job-gateway', 'get', 'deployment', 'job-gateway', '-o', 'json']),
    );
    expect(deployment.spec.template.spec.serviceAccountName).toBe('job-gateway');
    expect(canI('create', 'jobs.batch')).toBe('yes');
    expect(canI('list', 'secrets')).toBe('no');
    expect(canI('delete', 'jobs.batch')).toBe('yes');
    expect(canI('update', 'jobs.batch')).toBe('no');
  });
});
