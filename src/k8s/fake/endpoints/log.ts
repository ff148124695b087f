// GET pods/{name}/log (pkg/registry/core/pod/rest/log.go, then the kubelet's container logs):
// what the simulated container printed, from PodLogs, with container, previous, timestamps,
// sinceSeconds, sinceTime, tailLines, limitBytes and follow as the real endpoint has them.
import { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../../status';
import { isObject, Json, str } from '../../json';
import { field, FieldError, invalidError, Path } from '../../validation/field';
import { LogLine, PodLogs } from '../pod-logs';
import { GenericStore } from '../registry/generic-store';
import { parseBoolParam, parseIntParam } from './options';
import { RestRequest } from './request';

interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  sinceMs?: number;
  tailLines?: number;
  limitBytes?: number;
}

function logOptions(q: URLSearchParams, pod: string): LogOptions {
  const sinceSeconds = parseIntParam(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime') ?? '';
  const tailLines = parseIntParam(q, 'tailLines');
  const limitBytes = parseIntParam(q, 'limitBytes');
  if (sinceTime && Number.isNaN(Date.parse(sinceTime)))
    throw errors.badRequest(
      `parsing time ${JSON.stringify(sinceTime)} as "2006-01-02T15:04:05Z07:00": cannot parse`,
    );
  // ValidatePodLogOptions
  const errs: FieldError[] = [];
  if (tailLines !== undefined && tailLines < 0)
    errs.push(field.invalid(Path.root('tailLines'), tailLines, 'must be greater than or equal to 0'));
  if (limitBytes !== undefined && limitBytes < 1)
    errs.push(field.invalid(Path.root('limitBytes'), limitBytes, 'must be greater than 0'));
  if (sinceSeconds !== undefined && sinceTime)
    errs.push(
      field.forbidden(Path.root(''), 'at most one of `sinceTime` or `sinceSeconds` may be specified'),
    );
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    errs.push(field.invalid(Path.root('sinceSeconds'), sinceSeconds, 'must be greater than 0'));
  if (errs.length) throw invalidError('', 'PodLogOptions', pod, errs);
  return {
    container: q.get('container') ?? '',
    follow: parseBoolParam(q, 'follow') === true,
    previous: parseBoolParam(q, 'previous') === true,
    timestamps: parseBoolParam(q, 'timestamps') === true,
    sinceMs:
      sinceSeconds !== undefined
        ? Date.now() - sinceSeconds * 1000
        : sinceTime
          ? Date.parse(sinceTime)
          : undefined,
    tailLines,
    limitBytes,
  };
}

const names = (list: unknown): string[] =>
  Array.isArray(list) ? list.filter(isObject).map((c) => str(c.name)) : [];

/** The container the request means, with the apiserver's answers when it is unclear or unknown. */
function pickContainer(pod: Json, requested: string): string {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const name = str((pod.metadata as Json).name);
  const containers = names(spec.containers);
  const init = names(spec.initContainers);
  const ephemeral = names(spec.ephemeralContainers);
  if (!requested) {
    if (containers.length === 1) return containers[0];
    let msg = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (init.length) msg += ` or one of the init containers: [${init.join(' ')}]`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
    throw errors.badRequest(msg);
  }
  if (![...containers, ...init, ...ephemeral].includes(requested))
    throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

function containerStatus(pod: Json, container: string): Json | undefined {
  const status = isObject(pod.status) ? pod.status : {};
  for (const key of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses']) {
    const list = Array.isArray(status[key]) ? (status[key] as unknown[]).filter(isObject) : [];
    const found = list.find((cs) => cs.name === container);
    if (found) return found;
  }
  return undefined;
}

/** Go's time.RFC3339Nano: nanoseconds with trailing zeros trimmed. */
function rfc3339Nano(d: Date): string {
  const iso = d.toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}

export function podLogEndpoint(reg: GenericStore, logs: PodLogs) {
  return (r: RestRequest, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pod = reg.get(r.strategy, r.namespace, r.name);
    const opts = logOptions(r.query, r.name);
    const container = pickContainer(pod, opts.container);
    const spec = isObject(pod.spec) ? pod.spec : {};
    if (!str(spec.nodeName)) throw errors.badRequest(`pod ${r.name} does not have a host assigned`);
    const lines = logs.read(r.namespace, r.name, container, opts.previous);
    if (opts.previous && !logs.hasPrevious(r.namespace, r.name, container))
      throw errors.badRequest(`previous terminated container "${container}" in pod "${r.name}" not found`);
    const cs = containerStatus(pod, container);
    const waiting = cs && isObject(cs.state) && isObject(cs.state.waiting) ? cs.state.waiting : undefined;
    if (!opts.previous && !lines.length && (waiting || !cs))
      throw errors.badRequest(
        `container "${container}" in pod "${r.name}" is waiting to start: ${str(waiting?.reason) || 'ContainerCreating'}`,
      );

    const since = opts.sinceMs;
    let shown = since === undefined ? lines : lines.filter((l) => l.time.getTime() >= since);
    if (opts.tailLines !== undefined) shown = opts.tailLines === 0 ? [] : shown.slice(-opts.tailLines);
    let budget = opts.limitBytes ?? Infinity;
    const format = (l: LogLine): string => `${opts.timestamps ? `${rfc3339Nano(l.time)} ` : ''}${l.text}\n`;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Cache-Control', 'no-cache, private');
    // Writes within limitBytes; false once the limit is reached.
    const emit = (l: LogLine): boolean => {
      if (budget <= 0) return false;
      let bytes = Buffer.from(format(l), 'utf8');
      if (bytes.length > budget) bytes = bytes.subarray(0, budget);
      budget -= bytes.length;
      res.write(bytes);
      return budget > 0;
    };
    let open = true;
    for (const l of shown) if (!(open = emit(l))) break;
    if (!opts.follow || opts.previous || !open) {
      res.end();
      return Promise.resolve();
    }
    res.flushHeaders();
    // follow() may end the stream before it returns: the handle is filled in afterwards.
    const handle: { stop?: () => void } = {};
    let ended = false;
    const finish = (): void => {
      ended = true;
      handle.stop?.();
      if (!res.writableEnded) res.end();
    };
    handle.stop = logs.follow(
      r.namespace,
      r.name,
      container,
      (l) => {
        if (!emit(l)) finish();
      },
      finish,
    );
    // A container that has already exited ends the stream at once.
    if (ended) handle.stop();
    req.on('close', finish);
    return Promise.resolve();
  };
}
