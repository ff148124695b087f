// What belongs to one Job: its pods (selected by the Job's controller uid, never by name),
// the events of it and of its pods, a pod's log, and the summary derived from all three.
// HTTP lives in job-detail.controller.ts, the wire protocol in the repositories.
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { PassThrough, Readable } from 'node:stream';
import type { Caller } from '../auth/user-info';
import { isObject, Json, str } from '../k8s/json';
import { JobDetailRepository, LogOptions } from '../k8s/job-detail.repository';
import { TABLE_ACCEPT } from '../k8s/job-list.repository';
import { JobRepository } from '../k8s/job.repository';
import { UpstreamReply } from '../k8s/kube-connection';
import { failureStatus, StatusError } from '../k8s/status';
import { ReadPodLogQueryDto } from './dto/read-pod-log.query.dto';
import { isTable, wantsTable } from './job-list.service';
import { JobSummary, summarizeJob } from './summary/job-summary';
import { oldestFirst } from './summary/objects';

/** JSON the apiserver sent, with its warnings, for the controller to put in the asked-for form. */
export interface DetailReply {
  body: Buffer | string;
  warnings: string[];
  /** The answer is the apiserver's meta.k8s.io Table. */
  table?: boolean;
}

export type LogReply = { text: Buffer; warnings: string[] } | { stream: Readable; warnings: string[] };

/** Up to this many pods, their events are asked for pod by pod; past it, in one list filtered here. */
const EVENTS_PER_POD_UP_TO = 8;

// The apiserver's own label for a Job's pods since 1.27, and the older one it still sets.
const UID_LABELS = ['batch.kubernetes.io/controller-uid', 'controller-uid'];

const parse = (r: UpstreamReply): Json => {
  const v: unknown = JSON.parse(r.body.toString('utf8'));
  return isObject(v) ? v : {};
};
const items = (list: Json): Json[] => (Array.isArray(list.items) ? list.items.filter(isObject) : []);
const metaOf = (o: Json): Json => (isObject(o.metadata) ? o.metadata : {});

interface JobRef {
  name: string;
  uid: string;
  object: Json;
  /** The label selector that picks exactly the pods this Job (this uid) controls. */
  podSelector: string;
  warnings: string[];
}

@Injectable()
export class JobDetailService implements BeforeApplicationShutdown {
  /** Stops for the followed logs still open, so shutdown ends them instead of waiting. */
  private readonly open = new Set<() => void>();

  constructor(
    private readonly jobs: JobRepository,
    private readonly detail: JobDetailRepository,
  ) {}

  beforeApplicationShutdown(): void {
    for (const stop of [...this.open]) stop();
  }

  private async job(caller: Caller, namespace: string, name: string): Promise<JobRef> {
    const reply = await this.jobs.get(namespace, name, caller);
    const object = parse(reply);
    const uid = str(metaOf(object).uid);
    // Without a uid there is no telling this Job's pods from others: never guess by name.
    if (!uid)
      throw new StatusError(
        failureStatus(
          502,
          'InternalError',
          `the apiserver returned jobs.batch "${name}" without a metadata.uid`,
        ),
      );
    const spec = isObject(object.spec) ? object.spec : {};
    const selector = isObject(spec.selector) ? spec.selector : {};
    const match = isObject(selector.matchLabels) ? selector.matchLabels : {};
    // The key the Job's own selector uses for its uid (older clusters have only the plain one).
    const key = UID_LABELS.find((k) => match[k] === uid) ?? UID_LABELS[0];
    return { name, uid, object, podSelector: `${key}=${uid}`, warnings: reply.warnings };
  }

  private async podList(
    caller: Caller,
    namespace: string,
    job: JobRef,
  ): Promise<{ pods: Json[]; warnings: string[] }> {
    const reply = await this.detail.listPods(namespace, { labelSelector: job.podSelector }, caller);
    return { pods: items(parse(reply)), warnings: reply.warnings };
  }

  async pods(
    caller: Caller,
    namespace: string,
    name: string,
    accept: string | undefined,
  ): Promise<DetailReply> {
    const job = await this.job(caller, namespace, name);
    const table = wantsTable(accept);
    const reply = await this.detail.listPods(
      namespace,
      { labelSelector: job.podSelector },
      caller,
      table ? `${TABLE_ACCEPT}, application/json` : undefined,
    );
    return {
      body: reply.body,
      warnings: [...job.warnings, ...reply.warnings],
      table: table && isTable(reply.body),
    };
  }

  /** The events of the Job and of its current pods, oldest first. */
  private async eventItems(
    caller: Caller,
    namespace: string,
    job: JobRef,
    pods: Json[],
  ): Promise<{ events: Json[]; warnings: string[] }> {
    const uids = pods.map((p) => str(metaOf(p).uid)).filter(Boolean);
    const selectors = [`involvedObject.kind=Job,involvedObject.uid=${job.uid}`];
    if (uids.length <= EVENTS_PER_POD_UP_TO)
      selectors.push(...uids.map((u) => `involvedObject.kind=Pod,involvedObject.uid=${u}`));
    else selectors.push('involvedObject.kind=Pod');
    const replies = await Promise.all(selectors.map((s) => this.detail.listEvents(namespace, s, caller)));
    const wanted = new Set([job.uid, ...uids]);
    const events = replies
      .flatMap((r) => items(parse(r)))
      .filter((e) => wanted.has(str(isObject(e.involvedObject) ? e.involvedObject.uid : undefined)));
    return { events: oldestFirst(events), warnings: replies.flatMap((r) => r.warnings) };
  }

  async events(caller: Caller, namespace: string, name: string): Promise<DetailReply> {
    const job = await this.job(caller, namespace, name);
    const { pods, warnings } = await this.podList(caller, namespace, job);
    const found = await this.eventItems(caller, namespace, job, pods);
    // A List of several lists has no single resourceVersion; each item says what it is.
    const list = {
      kind: 'List',
      apiVersion: 'v1',
      metadata: { resourceVersion: '' },
      items: found.events.map((e) => ({ kind: 'Event', apiVersion: 'v1', ...e })),
    };
    return { body: JSON.stringify(list), warnings: [...job.warnings, ...warnings, ...found.warnings] };
  }

  async summary(
    caller: Caller,
    namespace: string,
    name: string,
    now = new Date(),
  ): Promise<{ summary: JobSummary; warnings: string[] }> {
    const job = await this.job(caller, namespace, name);
    const { pods, warnings } = await this.podList(caller, namespace, job);
    const found = await this.eventItems(caller, namespace, job, pods);
    return {
      summary: summarizeJob(job.object, pods, found.events, now),
      warnings: [...job.warnings, ...warnings, ...found.warnings],
    };
  }

  /**
   * A container's log, once the pod is found among the Job's own pods: the pod is listed
   * by the Job's uid label and its name together, so no other pod is read.
   */
  async log(
    caller: Caller,
    namespace: string,
    name: string,
    pod: string,
    query: ReadPodLogQueryDto,
  ): Promise<LogReply> {
    const job = await this.job(caller, namespace, name);
    const reply = await this.detail.listPods(
      namespace,
      { labelSelector: job.podSelector, fieldSelector: `metadata.name=${pod}` },
      caller,
    );
    if (!items(parse(reply)).some((p) => str(metaOf(p).name) === pod))
      throw new StatusError(
        failureStatus(404, 'NotFound', `pods "${pod}" not found among the pods of jobs.batch "${name}"`, {
          name: pod,
          kind: 'pods',
        }),
      );
    const options: LogOptions = {
      container: query.container,
      tailLines: query.tailLines,
      sinceSeconds: query.sinceSeconds,
      limitBytes: query.limitBytes,
      timestamps: query.timestamps,
      previous: query.previous,
    };
    const warnings = [...job.warnings, ...reply.warnings];
    if (!query.follow) {
      const text = await this.detail.readLog(namespace, pod, options, caller);
      return { text: text.body, warnings: [...warnings, ...text.warnings] };
    }
    const upstream = await this.detail.followLog(namespace, pod, options, caller);
    const out = new PassThrough();
    // Ends the caller's answer cleanly whichever side stops first: the container (the
    // apiserver ends the log), the caller (its connection closes) or the gateway (shutdown).
    const stop = (): void => {
      if (!this.open.delete(stop)) return;
      upstream.body.unpipe(out);
      upstream.close();
      if (!out.destroyed && !out.writableEnded) out.end();
    };
    this.open.add(stop);
    upstream.body.on('error', stop);
    upstream.body.on('end', () => this.open.delete(stop));
    out.on('close', stop);
    upstream.body.pipe(out);
    return { stream: out, warnings };
  }
}
