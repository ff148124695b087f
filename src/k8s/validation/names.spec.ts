import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
} from './names';

const LABEL_REGEX_ERROR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('Kubernetes name rules', () => {
  it.each([
    ['abc', []],
    ['a-1', []],
    ['a'.repeat(63), []],
    ['a'.repeat(64), ['must be no more than 63 characters']],
    ['a.b', ['must not contain dots']],
    ['My_Name', [LABEL_REGEX_ERROR]],
    ['-a', [LABEL_REGEX_ERROR]],
    ['', [LABEL_REGEX_ERROR]],
  ])('DNS-1123 label %s', (value, errs) => expect(isDNS1123Label(value)).toEqual(errs));

  it.each([
    ['example.com', 0],
    ['a'.repeat(253), 0],
    ['a'.repeat(254), 1],
    ['Bad', 1],
    ['a..b', 1],
  ])('DNS-1123 subdomain %s has %i problems', (value, n) =>
    expect(isDNS1123Subdomain(value)).toHaveLength(n),
  );

  it('masks a trailing dash of a generateName prefix', () => {
    expect(nameIsDNSSubdomain('job-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('job-', false)).toHaveLength(1);
  });

  it.each([
    ['app', 0],
    ['batch.kubernetes.io/job-name', 0],
    ['/x', 1],
    ['a/b/c', 1],
    ['Bad_Prefix.io/x', 1],
    [`${'a'.repeat(64)}`, 1],
  ])('qualified name %s has %i problems', (value, n) => expect(isQualifiedName(value)).toHaveLength(n));

  it.each([
    ['', 0],
    ['My_Value.1', 0],
    ['-x', 1],
    ['a'.repeat(64), 1],
  ])('label value %s has %i problems', (value, n) => expect(isValidLabelValue(value)).toHaveLength(n));
});
