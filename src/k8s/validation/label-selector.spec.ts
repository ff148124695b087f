import { matches, parseSelector, SelectorParseError, selectorMatches } from './label-selector';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };

  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (web, api)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['missing', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['n>3', true],
    ['n<3', false],
  ])('%s matches: %s', (text, expected) => {
    expect(matches(parseSelector(text), labels)).toBe(expected);
  });

  it.each(['app in web', '=x', 'a b', 'app in (a,'])('rejects %s', (text) => {
    expect(() => parseSelector(text)).toThrow(SelectorParseError);
  });

  it('matches LabelSelector objects; nil matches nothing, empty everything', () => {
    expect(
      selectorMatches(
        {
          matchLabels: { app: 'web' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }],
        },
        labels,
      ),
    ).toBe(true);
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, labels)).toBe(false);
  });
});
