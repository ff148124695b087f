import { JsonSyntaxError, parseJson } from './json-parse';
import { locate } from './source-node';

describe('parseJson', () => {
  it('parses like JSON.parse', () => {
    for (const text of ['{"a":[1,2.5,-3e2,true,false,null,"x\\u00e9\\n"]}', '[]', '"s"', ' 7 '])
      expect(parseJson(text).value).toEqual(JSON.parse(text));
  });

  it('reports duplicate keys with their paths', () => {
    expect(parseJson('{"spec":{"a":1,"a":2,"list":[{"b":1,"b":2}]}}').duplicates).toEqual([
      'spec.a',
      'spec.list[0].b',
    ]);
  });

  it('records positions at keys and array items', () => {
    const { root } = parseJson('{\n  "spec": {\n    "completions": "3",\n    "list": [1,\n      2]\n  }\n}', {
      positions: true,
    });
    expect(locate(root, 'spec.completions')).toEqual({ line: 3, column: 5 });
    expect(locate(root, 'spec.list[1]')).toEqual({ line: 5, column: 7 });
  });

  it.each([
    ['{"a":1', 'unexpected end of JSON input'],
    ['{"a":1} x', "invalid character 'x' after top-level value"],
    ['{a:1}', "invalid character 'a' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['"\u0001"', "invalid character '\u0001' in string literal"],
  ])('rejects %s', (text, message) => {
    expect(() => parseJson(text)).toThrow(new JsonSyntaxError(message, 0));
  });

  it('bounds depth', () => {
    expect(() => parseJson(`${'['.repeat(101)}${']'.repeat(101)}`, { maxDepth: 100 })).toThrow(
      'exceeded max depth of 100',
    );
  });

  it('keeps __proto__ an own property', () => {
    const v = parseJson('{"__proto__":{"polluted":true}}').value as object;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
});
