// Reads a V8 CPU profile (.cpuprofile, as --cpu-prof and the inspector write it) and says where
// the busy time went: self time (the sampled frame itself) and total time (the frame anywhere
// on the stack, counted once per sample), by function and by group of modules.

import { readFileSync } from 'node:fs';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface Share {
  name: string;
  self: number;
  total: number;
}

export interface Summary {
  /** Sampled time in ms, and the part of it that was not idle. */
  sampledMs: number;
  busyMs: number;
  groups: Share[];
  functions: Share[];
  /** Per group, its functions' self time: what a group's share is made of. */
  inGroup: Map<string, Map<string, number>>;
}

// Packages by the part of the request path they serve.
const PACKAGE_GROUPS: [RegExp, string][] = [
  [/^(@nestjs\/(core|common|platform-fastify|config|swagger)|rxjs|reflect-metadata|tslib)$/, 'Nest pipeline'],
  [/^(class-validator|class-transformer|validator|libphonenumber-js)$/, 'class-validator/transformer'],
  [/^(@nestjs\/throttler|rate-limiter-flexible|ioredis)$/, 'throttler / rate limit'],
  [/^(@fastify\/helmet|helmet)$/, 'helmet / security headers'],
  [/^(@kubernetes\/client-node|jose|openid-client|oauth4webapi|jsonpath-plus)$/, 'client-node / auth'],
  [
    /^(pino|pino-std-serializers|sonic-boom|fast-redact|@pinojs\/.*|thread-stream|abstract-logging|quick-format-unescaped)$/,
    'logging',
  ],
  [/^(js-yaml)$/, 'YAML'],
  [
    /^(fastify|@fastify\/.*|find-my-way|avvio|fast-json-stringify|fast-querystring|light-my-request|proxy-addr|toad-cache|content-type|secure-json-parse|fast-decode-uri-component|ret|safe-regex2|rfdc)$/,
    'Fastify',
  ],
];

// Our own files by what they do (paths relative to src/).
const SOURCE_GROUPS: [RegExp, string][] = [
  [/^auth\/(rate-limit\/|identity-throttler)/, 'throttler / rate limit'],
  [/^auth\//, 'client-node / auth'],
  [/^common\/http\/security-headers/, 'helmet / security headers'],
  [/^common\/logging\//, 'logging'],
  [/^metrics\//, 'metrics'],
  [/^k8s\/(kube-connection|upstream|kube-job\.repository|warnings)/, 'upstream request'],
  [/^k8s\/(json|status)/, 'JSON / Status'],
  [/^common\/body\//, 'body parsing (YAML/JSON with positions)'],
  [/^common\/(status|validation)\//, 'Nest pipeline'],
  [/^job\//, 'job controller / service'],
  [/^k8s\/fake\//, 'fake apiserver (in process!)'],
];

// Node's own modules whose work belongs to one side of the proxy whoever calls them.
const NODE_GROUPS: [RegExp, string][] = [[/^node:(_http_client|_http_agent)$/, 'upstream request']];

// Native socket writes: on loopback the kernel's whole TCP path runs inside them.
const SOCKET_WRITES =
  /^(writev|writeLatin1String|writeUtf8String|writeAsciiString|writeUcs2String|writeBuffer)$/;
const UPSTREAM_SOCKET = 'socket writes to the apiserver (syscalls)';
const CLIENT_SOCKET = 'socket writes to the client (syscalls)';
// A stream pipe ends both sides from the same stack: its writes cannot be told apart.
const PIPED_SOCKET = 'socket writes, piped (either side, syscalls)';
// Frames that only run on the side that answers the client.
const CLIENT_SIDE = /^node:_http_server$|node_modules\/(fastify|@nestjs)\//;
const EVENT_LOOP = 'node HTTP server / event loop';

function firstMatch(table: [RegExp, string][], key: string): string | undefined {
  return table.find(([re]) => re.test(key))?.[1];
}

/**
 * The group of a frame by itself, or undefined when the frame works for whoever called it
 * (V8 builtins, most of node's own modules): then its caller's group is taken.
 */
export function ownGroup(frame: CallFrame): string | undefined {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'V8 / native (program)';
  if (fn === '(root)') return EVENT_LOOP;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg) return firstMatch(PACKAGE_GROUPS, pkg) ?? `other package: ${pkg}`;
  if (url.startsWith('node:')) return firstMatch(NODE_GROUPS, url);
  const src = /\/src\/(.*)$/.exec(url)?.[1];
  if (src) return firstMatch(SOURCE_GROUPS, src) ?? 'gateway (other)';
  if (!url) return undefined;
  return `other: ${url.replace(/^.*\/(src|test)\//, '$1/')}`;
}

/** Each node's group: its own, else its caller's; socket writes by the side they write to. */
export function groupsOf(profile: CpuProfile): Map<number, string> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const groups = new Map<number, string>();
  // Whether a frame matching `test` is on the stack at `id`, memoised per node.
  const onStack = (test: (f: CallFrame) => boolean): ((id: number) => boolean) => {
    const memo = new Map<number, boolean>();
    const has = (id: number): boolean => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      const frame = byId.get(id)?.callFrame;
      const p = parent.get(id);
      const v = (frame !== undefined && test(frame)) || (p !== undefined && has(p));
      memo.set(id, v);
      return v;
    };
    return has;
  };
  const onUpstreamSide = onStack((f) => ownGroup(f) === 'upstream request');
  const onClientSide = onStack((f) => CLIENT_SIDE.test(f.url));
  const groupOf = (id: number): string => {
    const known = groups.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)?.callFrame;
    const p = parent.get(id);
    let g: string;
    if (frame && !frame.url && SOCKET_WRITES.test(frame.functionName))
      g = onUpstreamSide(id) ? UPSTREAM_SOCKET : onClientSide(id) ? CLIENT_SOCKET : PIPED_SOCKET;
    else g = (frame && ownGroup(frame)) ?? (p !== undefined ? groupOf(p) : EVENT_LOOP);
    groups.set(id, g);
    return g;
  };
  for (const n of profile.nodes) groupOf(n.id);
  return groups;
}

/** `name file:line` of a frame, paths cut to what follows node_modules/, src/ or test/. */
export function functionKey(frame: CallFrame): string {
  const where = frame.url
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/(src|test)\//, '$1/')
    .replace(/^file:\/\//, '');
  const name = frame.functionName || '(anonymous)';
  return where ? `${name} ${where}:${frame.lineNumber + 1}` : name;
}

export function summarize(profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const group = groupsOf(profile);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfGroup = new Map<string, number>();
  const totalGroup = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inGroup = new Map<string, Map<string, number>>();
  const totalFn = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  let sampled = 0;
  let busy = 0;
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one.
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    const leaf = byId.get(samples[i]);
    if (!leaf) continue;
    sampled += ms;
    const leafGroup = group.get(leaf.id) ?? EVENT_LOOP;
    if (leafGroup === 'idle') continue;
    busy += ms;
    add(selfGroup, leafGroup, ms);
    add(selfFn, functionKey(leaf.callFrame), ms);
    const members = inGroup.get(leafGroup) ?? new Map<string, number>();
    inGroup.set(leafGroup, members);
    add(members, functionKey(leaf.callFrame), ms);
    const groups = new Set<string>();
    const fns = new Set<string>();
    // Up to, not including, the root: every sample has that one.
    for (let id: number | undefined = leaf.id; id !== undefined && parent.has(id); id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) break;
      groups.add(group.get(id) ?? EVENT_LOOP);
      fns.add(functionKey(frame));
    }
    for (const g of groups) add(totalGroup, g, ms);
    for (const f of fns) add(totalFn, f, ms);
  }
  const shares = (self: Map<string, number>, total: Map<string, number>): Share[] =>
    [...new Set([...self.keys(), ...total.keys()])]
      .filter((k) => k !== '(root)')
      .map((name) => ({ name, self: self.get(name) ?? 0, total: total.get(name) ?? 0 }));
  return {
    sampledMs: sampled,
    busyMs: busy,
    groups: shares(selfGroup, totalGroup).sort((a, b) => b.self - a.self),
    functions: shares(selfFn, totalFn),
    inGroup,
  };
}

/** Markdown tables: groups by self time, then the top functions by self and by total time. */
export function report(s: Summary, top = 20): string {
  const pct = (ms: number): string => `${((100 * ms) / s.busyMs).toFixed(1)}%`;
  const lines = [
    `Busy ${(s.busyMs / 1000).toFixed(2)} s of ${(s.sampledMs / 1000).toFixed(2)} s sampled (${((100 * s.busyMs) / s.sampledMs).toFixed(0)}%); shares are of the busy time.`,
    '',
    '| group | self | total (on the stack) |',
    '|---|---:|---:|',
    ...s.groups.map((g) => `| ${g.name} | ${pct(g.self)} | ${pct(g.total)} |`),
    '',
    'What the largest groups are made of (self time):',
    '',
    ...s.groups.slice(0, 10).map((g) => {
      const members = [...(s.inGroup.get(g.name) ?? new Map<string, number>())]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([name, ms]) => `\`${name}\` ${pct(ms)}`);
      return `- ${g.name} (${pct(g.self)}): ${members.join(', ')}`;
    }),
    '',
    `Top ${top} functions by self time:`,
    '',
    '| function | self | total |',
    '|---|---:|---:|',
    ...[...s.functions]
      .sort((a, b) => b.self - a.self)
      .slice(0, top)
      .map((f) => `| \`${f.name}\` | ${pct(f.self)} | ${pct(f.total)} |`),
    '',
    `Top ${top} functions by total time:`,
    '',
    '| function | self | total |',
    '|---|---:|---:|',
    ...[...s.functions]
      .sort((a, b) => b.total - a.total)
      .slice(0, top)
      .map((f) => `| \`${f.name}\` | ${pct(f.self)} | ${pct(f.total)} |`),
  ];
  return lines.join('\n');
}

// `ts-node --transpile-only test/bench/cpu-profile.ts some.cpuprofile` summarises any profile.
if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: cpu-profile.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${report(summarize(profile), Number(process.argv[3] ?? 20))}\n`);
}
