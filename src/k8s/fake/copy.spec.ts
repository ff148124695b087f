// copyJson and deepFreeze on plain JSON trees (pure functions, nothing faked).
import { copyJson, deepFreeze } from './copy';

describe('copyJson', () => {
  it('copies every level, so changing the copy leaves the original as it was', () => {
    const original = { a: { b: [1, { c: 'x' }], n: null }, s: 'v', t: true };
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    (copy.a.b[1] as { c: string }).c = 'changed';
    copy.a.b.push(3);
    expect(original).toEqual({ a: { b: [1, { c: 'x' }], n: null }, s: 'v', t: true });
  });

  it('keeps a "__proto__" key of a decoded body as an own property, not a prototype', () => {
    const decoded = JSON.parse('{"__proto__":{"polluted":true},"k":1}') as Record<string, unknown>;
    const copy = copyJson(decoded);
    expect(Object.keys(copy)).toEqual(['__proto__', 'k']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('copies a frozen object into one that can be changed', () => {
    const copy = copyJson(deepFreeze({ m: { l: ['a'] } }));
    copy.m.l.push('b');
    expect(copy).toEqual({ m: { l: ['a', 'b'] } });
  });
});

describe('deepFreeze', () => {
  it('makes a write at any depth throw instead of changing a shared object', () => {
    const o = deepFreeze({ metadata: { labels: { a: '1' } }, items: [{ x: 1 }] });
    expect(() => {
      (o.metadata.labels as Record<string, string>).b = '2';
    }).toThrow(TypeError);
    expect(() => {
      o.items[0].x = 2;
    }).toThrow(TypeError);
    expect(o).toEqual({ metadata: { labels: { a: '1' } }, items: [{ x: 1 }] });
  });
});
