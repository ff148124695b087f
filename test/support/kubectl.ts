// Runs the real kubectl binary against a server, with a throwaway kubeconfig and cache.
import { execFile, spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Kubectl {
  readonly dir: string;
  readonly kubeconfig: string;

  /** kubectl for a server; a ready kubeconfig file may be given instead of a server URL. */
  constructor(server: string, kubeconfig?: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
    this.kubeconfig = kubeconfig ?? join(this.dir, 'config');
    if (kubeconfig) return;
    writeFileSync(
      this.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- cluster: {server: "${server}"}`,
        '  name: fake',
        'contexts:',
        '- context: {cluster: fake, user: dev, namespace: default}',
        '  name: fake',
        'current-context: fake',
        'users:',
        '- name: dev',
        '  user: {token: dev-token}',
        '',
      ].join('\n'),
    );
  }

  private args(args: string[]): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'cache'), ...args];
  }

  run(args: string[], stdin?: string): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = execFile('kubectl', this.args(args), { timeout: 30000 }, (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new Error('kubectl is not on PATH: the conformance suite needs the real binary'));
          return;
        }
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  }

  /** Starts a long-running kubectl (e.g. a watch); kill it when done. */
  spawn(args: string[]): { child: ChildProcess; output: () => string } {
    const child = spawn('kubectl', this.args(args));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    return { child, output: () => out };
  }
}

export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
