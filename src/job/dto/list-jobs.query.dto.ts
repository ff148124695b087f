import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  Check,
  CheckFailure,
  invalid,
  isAbsent,
  notSupported,
  wrongType,
  From,
} from '../../common/validation/k8s-check';
import { parseJobFieldSelector, parseLabelSelector, SelectorError } from '../watch/job-selector';
import { toBool, toInt } from '../../common/validation/query-values';

const forbidden = (detail: string): CheckFailure => ({
  type: 'FieldValueForbidden',
  body: `Forbidden: ${detail}`,
});

const boolCheck = (v: unknown): CheckFailure | undefined =>
  isAbsent(v) || typeof v === 'boolean' ? undefined : wrongType(v, 'true or false');

const selectorCheck =
  (parse: (s: string) => unknown) =>
  (v: unknown): CheckFailure | undefined => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    try {
      parse(v);
      return undefined;
    } catch (e) {
      if (e instanceof SelectorError) return invalid(v, e.message);
      throw e;
    }
  };

const RV_MATCHES = ['Exact', 'NotOlderThan'];

/** The list and watch options of the apiserver (ListOptions), checked with its rules. */
export class ListJobsQueryDto {
  @ApiPropertyOptional({
    type: 'boolean',
    description:
      "Stream changes instead of listing (verb `watch`). With `Accept: text/event-stream`: Server-Sent Events; otherwise the apiserver's JSON-lines watch",
  })
  @From(toBool)
  @Check(boolCheck)
  watch?: boolean;

  @ApiPropertyOptional({ description: 'Label selector, as kubectl -l', example: 'app=batch,tier in (a,b)' })
  @Check(selectorCheck(parseLabelSelector))
  labelSelector?: string;

  @ApiPropertyOptional({
    description: 'Field selector on metadata.name, metadata.namespace or status.successful',
    example: 'status.successful=1',
  })
  @Check(selectorCheck(parseJobFieldSelector))
  fieldSelector?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'At most this many Jobs; the rest via `continue`',
  })
  @From(toInt)
  // Like the apiserver, a watch ignores limit and continue.
  @Check((v) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return wrongType(v, 'a whole number');
    return v < 0 ? invalid(v, 'must be greater than or equal to 0') : undefined;
  })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `metadata.continue` token of the previous page' })
  @Check((v, object) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    const o: ListJobsQueryDto = object;
    if (o.watch) return undefined;
    // The apiserver: "specifying resource version is not allowed when using continue".
    if (v && o.resourceVersion)
      return forbidden('specifying resourceVersion is not allowed when using continue');
    return undefined;
  })
  continue?: string;

  @ApiPropertyOptional({
    description:
      'List: how fresh (with resourceVersionMatch). Watch: start after this version (as Last-Event-ID)',
    example: '0',
  })
  @Check((v) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    return v === '' || /^\d{1,20}$/.test(v)
      ? undefined
      : invalid(v, 'must be a resourceVersion (a decimal number)');
  })
  resourceVersion?: string;

  @ApiPropertyOptional({ enum: RV_MATCHES, description: 'How resourceVersion is read (list only)' })
  @Check((v, object) => {
    if (isAbsent(v) || v === '') return undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    const o: ListJobsQueryDto = object;
    if (o.watch)
      return forbidden('resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
    if (!RV_MATCHES.includes(v)) return notSupported(v, RV_MATCHES);
    if (!o.resourceVersion)
      return forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (o.continue) return forbidden('resourceVersionMatch is forbidden when continue is provided');
    return undefined;
  })
  resourceVersionMatch?: string;

  @ApiPropertyOptional({
    type: 'boolean',
    description: 'JSON-lines watch only: ask the apiserver for BOOKMARK events (SSE streams always get them)',
  })
  @From(toBool)
  @Check(boolCheck)
  allowWatchBookmarks?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Watch only: end the stream after this many seconds',
  })
  @From(toInt)
  @Check((v) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return wrongType(v, 'a whole number of seconds');
    return v < 1 ? invalid(v, 'must be greater than or equal to 1') : undefined;
  })
  timeoutSeconds?: number;
}
