// Reads a V8 sampling heap profile (HeapProfiler.stopSampling, with collected objects kept)
// and says what was allocated per request: by function (the frame that allocated) and by the
// group of modules cpu-profile.ts uses, the allocating frame's own or else its caller's.

import { CallFrame, functionKey, ownGroup } from './cpu-profile';

export interface AllocNode {
  callFrame: CallFrame;
  /** Bytes allocated by this frame itself, estimated from the samples. */
  selfSize: number;
  children: AllocNode[];
}

export interface AllocProfile {
  head: AllocNode;
}

/** Markdown: bytes per request by group and the top allocating functions. */
export function allocReport(profile: AllocProfile, requests: number, top = 25): string {
  const byFn = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let total = 0;
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  const walk = (n: AllocNode, inherited: string): void => {
    const group = ownGroup(n.callFrame) ?? inherited;
    if (n.selfSize) {
      total += n.selfSize;
      add(byFn, functionKey(n.callFrame), n.selfSize);
      add(byGroup, group, n.selfSize);
    }
    for (const c of n.children) walk(c, group);
  };
  walk(profile.head, 'node / V8 (no JS caller)');
  const perRequest = (bytes: number): string => `${((bytes / requests) | 0).toLocaleString('en')} B`;
  const rows = (m: Map<string, number>, n: number): string[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([name, bytes]) => `| \`${name}\` | ${perRequest(bytes)} | ${((100 * bytes) / total).toFixed(1)}% |`,
      );
  return [
    `Allocated ${perRequest(total)} per request (${(total / 2 ** 20).toFixed(0)} MiB over ${requests} requests, garbage included).`,
    '',
    '| group | per request | share |',
    '|---|---:|---:|',
    ...rows(byGroup, 100),
    '',
    `Top ${top} allocating functions:`,
    '',
    '| function | per request | share |',
    '|---|---:|---:|',
    ...rows(byFn, top),
  ].join('\n');
}
