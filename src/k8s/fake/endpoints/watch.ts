// Watch (handlers/watch.go): a chunked stream of JSON events from a resourceVersion, with
// selector transitions turned into ADDED/DELETED as the watch cache does, bookmarks and the
// initial-events protocol; Table watches go through the one Table converter.
import { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../../status';
import { Json } from '../../json';
import { GenericStore, metaOf } from '../registry/generic-store';
import { groupVersion } from '../registry/strategy';
import { StoreEvent, TooOldResourceVersionError } from '../store';
import { listOptions } from './options';
import { nameSelector } from './read';
import { RestRequest } from './request';
import { toTable } from './table';

export function watchObjects(
  reg: GenericStore,
  r: RestRequest,
  req: IncomingMessage,
  res: ServerResponse,
  forceName: string | undefined,
  table: { includeObject: string | null } | undefined,
): void {
  const s = r.strategy;
  const lo = listOptions(r.query, true);
  if (forceName !== undefined) lo.fieldSelector = nameSelector(lo.fieldSelector, forceName);
  const match = reg.matcher(s, lo);
  const ns = s.info.namespaced && r.namespace ? r.namespace : undefined;
  const inScope = (o: Json): boolean => ns === undefined || metaOf(o).namespace === ns;
  const rvParam = lo.resourceVersion;
  if (rvParam && rvParam !== '0' && !/^\d+$/.test(rvParam))
    throw errors.badRequest(
      `invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(rvParam)}: invalid syntax`,
    );
  const gv = groupVersion(s.info);
  const store = reg.store;

  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();
  // Table watches carry the column definitions with the first event only.
  let columnsSent = false;
  const write = (type: string, object: unknown): void => {
    let out = object;
    if (table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      const t = toTable(
        s,
        [object as Json],
        table.includeObject,
        String(metaOf(object as Json).resourceVersion),
      );
      if (columnsSent) t.columnDefinitions = null;
      columnsSent = true;
      out = t;
    }
    res.write(JSON.stringify({ type, object: out }) + '\n');
  };
  const bookmark = (annotations?: Record<string, string>): void =>
    write('BOOKMARK', {
      kind: s.info.kind,
      apiVersion: gv,
      metadata: { resourceVersion: String(store.currentRevision), ...(annotations ? { annotations } : {}) },
    });

  const initial = !rvParam || rvParam === '0' || lo.sendInitialEvents === true;
  let from = initial ? store.currentRevision : Number(rvParam);
  if (lo.sendInitialEvents === true && rvParam && rvParam !== '0') from = Math.max(Number(rvParam), 0);
  const onEvent = (raw: StoreEvent): void => {
    if (raw.resource !== s.info.resource || !inScope(raw.object)) return;
    const e = {
      ...raw,
      object: reg.view(s, raw.object),
      previous: raw.previous && reg.view(s, raw.previous),
    };
    const now = match(e.object);
    const before = e.previous ? match(e.previous) : false;
    if (e.type === 'MODIFIED') {
      if (now && before) write('MODIFIED', e.object);
      else if (now) write('ADDED', e.object);
      else if (before)
        write('DELETED', {
          ...e.object,
          metadata: { ...metaOf(e.previous as Json), resourceVersion: metaOf(e.object).resourceVersion },
        });
    } else if (now) write(e.type, e.object);
  };
  let stop: () => void = () => undefined;
  try {
    if (initial) {
      for (const o of store.peekList(s.info.resource, ns)) {
        const v = reg.view(s, o);
        if (match(v)) write('ADDED', v);
      }
      if (lo.sendInitialEvents === true) bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
    stop = store.watch(from, onEvent);
  } catch (e) {
    if (e instanceof TooOldResourceVersionError) {
      write('ERROR', errors.expired(e.message).status);
      res.end();
      return;
    }
    throw e;
  }
  const timeout = (lo.timeoutSeconds ?? 1800 * (1 + Math.random())) * 1000;
  const timer = setTimeout(() => res.end(), timeout);
  const bookmarks = lo.allowWatchBookmarks ? setInterval(() => bookmark(), 60000) : undefined;
  bookmarks?.unref();
  const close = (): void => {
    stop();
    clearTimeout(timer);
    if (bookmarks) clearInterval(bookmarks);
  };
  res.on('close', close);
  req.on('close', close);
}
