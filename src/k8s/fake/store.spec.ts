import { Store, StoreEvent, TooOldResourceVersionError } from './store';

const obj = (name: string): Record<string, unknown> => ({ metadata: { name, namespace: 'ns' } });

describe('Store', () => {
  it('stamps one increasing resourceVersion across resources and lists in key order', () => {
    const s = new Store(10);
    const b = s.create('jobs', 'ns', 'b', obj('b'));
    const a = s.create('jobs', 'ns', 'a', obj('a'));
    s.create('namespaces', '', 'ns', obj('ns'));
    expect([b, a].map((o) => (o.metadata as { resourceVersion: string }).resourceVersion)).toEqual([
      '11',
      '12',
    ]);
    expect(s.currentRevision).toBe(13);
    expect(s.list('jobs').map((o) => (o.metadata as { name: string }).name)).toEqual(['a', 'b']);
  });

  it('hands out copies: callers cannot change what is stored', () => {
    const s = new Store();
    s.create('jobs', 'ns', 'a', obj('a'));
    (s.get('jobs', 'ns', 'a')!.metadata as Record<string, unknown>).name = 'changed';
    expect((s.get('jobs', 'ns', 'a')!.metadata as Record<string, unknown>).name).toBe('a');
  });

  it('replays history after a version, then streams, and refuses versions it no longer has', () => {
    const s = new Store(0);
    s.create('jobs', 'ns', 'a', obj('a'));
    s.update('jobs', 'ns', 'a', obj('a'));
    const seen: string[] = [];
    const stop = s.watch(1, (e: StoreEvent) => seen.push(`${e.type}@${e.rv}`));
    s.delete('jobs', 'ns', 'a');
    stop();
    s.create('jobs', 'ns', 'b', obj('b'));
    expect(seen).toEqual(['MODIFIED@2', 'DELETED@3']);
    for (let i = 0; i < 10001; i++) s.update('jobs', 'ns', 'b', obj('b'));
    expect(() => s.watch(2, () => undefined)).toThrow(TooOldResourceVersionError);
  });
});
