// The bench's children run as plain JavaScript: under ts-node every process would also carry
// the TypeScript compiler (tens of MiB of live heap, which would hide the gateway's own) and
// source-map-support's hooks. Files are transpiled one by one, as ts-node --transpile-only
// and the jest setup do, into a scratch folder; packages resolve through NODE_PATH.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Transpiles `dirs` (relative to `root`) into `out`, keeping the layout; other files are copied. */
export function compile(root: string, dirs: string[], out: string): void {
  const read = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
  const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false };
  for (const dir of dirs)
    for (const file of files(join(root, dir))) {
      if (file.endsWith('.spec.ts') || file.endsWith('.d.ts')) continue;
      const target = join(out, relative(root, file));
      mkdirSync(dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) {
        copyFileSync(file, target);
        continue;
      }
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions,
        fileName: file,
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    }
}
