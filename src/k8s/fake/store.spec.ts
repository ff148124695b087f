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

  it('keeps exactly the last 10,000 events, however many were written', () => {
    const s = new Store(0);
    s.create('jobs', 'ns', 'a', obj('a'));
    for (let i = 0; i < 25_003; i++) s.update('jobs', 'ns', 'a', obj('a'));
    // rv 1 is the create, 25,004 the last update: 15,005..25,004 are kept.
    expect(s.oldestRevision).toBe(15_004);
    const seen: number[] = [];
    s.watch(s.oldestRevision, (e) => seen.push(e.rv))();
    expect(seen.length).toBe(10_000);
    expect([seen[0], seen[seen.length - 1]]).toEqual([15_005, 25_004]);
    expect(() => s.watch(15_003, () => undefined)).toThrow(TooOldResourceVersionError);
  });

  it('compacts: history up to a revision goes, watches from before it are refused', () => {
    const s = new Store(0);
    for (const n of ['a', 'b', 'c', 'd']) s.create('jobs', 'ns', n, obj(n));
    s.compact(2);
    expect(s.oldestRevision).toBe(2);
    const seen: number[] = [];
    s.watch(2, (e) => seen.push(e.rv))();
    expect(seen).toEqual([3, 4]);
    expect(() => s.watch(1, () => undefined)).toThrow(TooOldResourceVersionError);
    s.compact(4);
    expect(s.oldestRevision).toBe(4);
    expect(s.list('jobs')).toHaveLength(4);
  });

  it('freezes what it stores: a change through a shared reference throws', () => {
    const s = new Store();
    const stored = s.create('jobs', 'ns', 'a', { metadata: { name: 'a', labels: { x: '1' } } });
    expect(() => {
      (stored.metadata as { labels: Record<string, string> }).labels.x = '2';
    }).toThrow(TypeError);
    expect(s.peek('jobs', 'ns', 'a')).toEqual({
      metadata: { name: 'a', labels: { x: '1' }, resourceVersion: '1001' },
    });
  });

  it('keeps each resource in key order across creates and deletes, per namespace too', () => {
    const s = new Store();
    for (const [ns, name] of [
      ['b', 'x'],
      ['a', 'z'],
      ['a', 'y'],
    ])
      s.create('pods', ns, name, obj(name));
    s.create('podtemplates', 'a', 'w', obj('w'));
    const names = (list: readonly Record<string, unknown>[]): string[] =>
      list.map((o) => (o.metadata as { name: string }).name);
    expect(names(s.list('pods'))).toEqual(['y', 'z', 'x']);
    s.delete('pods', 'a', 'y');
    s.create('pods', 'a', 'a', obj('a'));
    expect(names(s.list('pods'))).toEqual(['a', 'z', 'x']);
    expect(names(s.list('pods', 'b'))).toEqual(['x']);
    // peekList hands out what is stored; list hands out copies.
    expect(s.peekList('pods', 'b')[0]).toBe(s.peek('pods', 'b', 'x'));
    expect(s.list('pods', 'b')[0]).not.toBe(s.peek('pods', 'b', 'x'));
  });
});
