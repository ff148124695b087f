// A simulated kubelet for one node (and the scheduler's binding, which a one-node cluster
// needs): it walks each pod through POD_STAGES (bound, running, finished), writes pod status
// through the in-process client as a kubelet does, records what the containers print in
// PodLogs, and finishes graceful deletion. Every delay is simulated time (SimTime).
import { FakeClient, NODES, PODS } from '../../client/fake-client';
import { isObject, Json, str } from '../../../json';
import { StatusError } from '../../../status';
import { PodLogs } from '../../pod-logs';
import { recordEventV1 } from '../event-recorder';
import { Informer } from '../informer';
import { asArray, field, metaOf, objectKey, splitKey } from '../objects';
import { rfc3339, SimTime } from '../sim-time';
import { WorkQueue } from '../work-queue';
import { ContainerPlan, containersOf, planFor, runTime } from './container-run';
import { PodStage, stageFor } from './stages';

const FIELD_MANAGER = 'kubelet';
// How long stopping a container takes at most, within the pod's grace period.
const KILL_MS = 1000;
// The kubelet's container restart back-off: 10 s doubling to five minutes.
const RESTART_BACKOFF_MS = 10_000;
const MAX_RESTART_BACKOFF_MS = 300_000;

export interface KubeletDeps {
  client: FakeClient;
  pods: Informer;
  time: SimTime;
  logs: PodLogs;
  nodeName: string;
  log: (msg: string) => void;
}

interface Run {
  /** Real instant the containers started (this run). */
  startedMs: number;
  startedAt: string;
  plans: Map<string, ContainerPlan>;
  timers: NodeJS.Timeout[];
  /** Lines printed later in this run: written at their time, or at the latest when it exits. */
  lines: { write(): void }[];
  restarts: number;
  /** Set while a restarted container waits out its back-off. */
  restartAtMs?: number;
}

const isNotFound = (e: unknown): boolean => e instanceof StatusError && e.code === 404;
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The QoS class the apiserver and kubelet compute (pkg/apis/core/helper/qos). */
export function qosClassOf(pod: Json): string {
  let any = false;
  let guaranteed = true;
  for (const c of containersOf(pod)) {
    const res = isObject(c.resources) ? c.resources : {};
    const limits = isObject(res.limits) ? res.limits : {};
    const requests = { ...limits, ...(isObject(res.requests) ? res.requests : {}) };
    if (Object.keys(limits).length || Object.keys(requests).length) any = true;
    for (const r of ['cpu', 'memory'])
      if (
        limits[r] === undefined ||
        requests[r] === undefined ||
        JSON.stringify(limits[r]) !== JSON.stringify(requests[r])
      )
        guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export class Kubelet {
  private readonly queue: WorkQueue;
  private readonly runs = new Map<string, Run>();
  private readonly deletionSeen = new Map<string, number>();
  private nextIp = 1;
  private hostIP = '127.0.0.1';
  private bindingUnsupported = false;

  constructor(private readonly d: KubeletDeps) {
    this.queue = new WorkQueue((k) => this.sync(k), {
      workers: 8,
      retryBaseMs: d.time.real(1000),
      retryMaxMs: d.time.real(60_000),
      onError: (k, e) => d.log(`kubelet: pod ${k}: ${errText(e)}`),
    });
    d.pods.addHandler({
      add: (p) => this.queue.add(objectKey(p)),
      update: (_o, p) => this.queue.add(objectKey(p)),
      delete: (p) => this.forget(p),
    });
  }

  /** Reads the node's address for hostIP, when the node exists. */
  async start(): Promise<void> {
    try {
      const node = await this.d.client.get(NODES, '', this.d.nodeName);
      const ip = asArray(field(node, 'status', 'addresses')).find((a) => a.type === 'InternalIP')?.address;
      if (typeof ip === 'string') this.hostIP = ip;
    } catch {
      // No node object: pods still run, with the loopback address as their host.
    }
  }

  async stop(): Promise<void> {
    await this.queue.stop();
    for (const r of this.runs.values()) for (const t of r.timers) clearTimeout(t);
    this.runs.clear();
  }

  private forget(pod: Json): void {
    const uid = str(metaOf(pod).uid);
    const run = this.runs.get(uid);
    for (const t of run?.timers ?? []) clearTimeout(t);
    this.runs.delete(uid);
    this.deletionSeen.delete(uid);
    this.d.logs.remove(str(metaOf(pod).namespace), str(metaOf(pod).name));
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.d.pods.get(namespace, name);
    if (!pod) return;
    const node = str(field(pod, 'spec', 'nodeName'));
    if (node && node !== this.d.nodeName) return;
    let stage = stageFor(pod);
    if (!stage) return;
    if (stage.next === 'bind' && this.bindingUnsupported) stage = { ...stage, next: 'start' };
    if (stage.next === 'start' && field(pod, 'status', 'podIP')) return;
    const wait = this.remaining(stage, pod);
    if (wait === Infinity) return;
    if (wait > 0) {
      this.queue.add(key, Math.max(1, this.d.time.real(wait)));
      return;
    }
    switch (stage.next) {
      case 'bind':
        return this.bind(pod);
      case 'start':
        return this.startContainers(pod);
      case 'finish':
        return this.finish(pod);
      case 'delete':
        return this.deleteNow(pod);
      case 'terminate':
        return this.stopContainers(pod);
    }
  }

  /** Simulated milliseconds until the stage's effect is due. */
  private remaining(stage: PodStage, pod: Json): number {
    const uid = str(metaOf(pod).uid);
    switch (stage.delay) {
      case 'none':
        return 0;
      case 'kill': {
        let seen = this.deletionSeen.get(uid);
        if (seen === undefined) this.deletionSeen.set(uid, (seen = Date.now()));
        return Math.max(0, KILL_MS - this.d.time.since(seen));
      }
      case 'run-time': {
        const run = this.runs.get(uid);
        // Running before this kubelet started (or after a restart of the fake): finish now.
        if (!run) return 0;
        if (run.restartAtMs !== undefined)
          return Math.max(0, run.restartAtMs - Date.now()) * this.d.time.timeScale;
        const longest = Math.max(0, ...[...run.plans.values()].map(runTime));
        return Math.max(0, longest - this.d.time.since(run.startedMs));
      }
    }
  }

  private async bind(pod: Json): Promise<void> {
    const m = metaOf(pod);
    const binding = {
      kind: 'Binding',
      apiVersion: 'v1',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid },
      target: { kind: 'Node', apiVersion: 'v1', name: this.d.nodeName },
    };
    try {
      await this.d.client.create(PODS, str(m.namespace), binding, {
        subresource: 'binding',
        fieldManager: 'kube-scheduler',
      });
      // The scheduler's own record of it.
      recordEventV1(this.d.client, pod, {
        type: 'Normal',
        reason: 'Scheduled',
        action: 'Binding',
        note: `Successfully assigned ${str(m.namespace)}/${str(m.name)} to ${this.d.nodeName}`,
        controller: 'default-scheduler',
        instance: `default-scheduler-${this.d.nodeName}`,
      }).catch((e: unknown) => this.d.log(`kubelet: Scheduled event for ${str(m.name)}: ${errText(e)}`));
    } catch (e) {
      if (isNotFound(e)) return;
      if (e instanceof StatusError && e.code === 400 && /subresource/.test(e.message)) {
        // A registry without pods/binding: run pods unbound rather than not at all.
        this.bindingUnsupported = true;
        this.d.log('kubelet: the registry has no pods/binding; pods run without spec.nodeName');
        this.queue.add(objectKey(pod));
        return;
      }
      throw e;
    }
  }

  private allocateIp(): string {
    const n = this.nextIp++;
    return `10.244.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  private async patchStatus(pod: Json, status: Json): Promise<void> {
    const m = metaOf(pod);
    try {
      const out = await this.d.client.patch(
        PODS,
        str(m.namespace),
        str(m.name),
        'merge',
        { status },
        {
          subresource: 'status',
          fieldManager: FIELD_MANAGER,
        },
      );
      this.d.pods.observe(out);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private condition(
    pod: Json,
    type: string,
    status: string,
    nowIso: string,
    reason?: string,
    message?: string,
  ): Json {
    const old = asArray(field(pod, 'status', 'conditions')).find((c) => c.type === type);
    const keep = old && old.status === status && old.reason === reason;
    const c: Json = {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: keep ? old.lastTransitionTime : nowIso,
    };
    if (reason) c.reason = reason;
    if (message) c.message = message;
    return c;
  }

  private containerStatus(
    c: Json,
    state: Json,
    ready: boolean,
    restarts: number,
    lastState: Json = {},
  ): Json {
    return {
      name: c.name,
      state,
      lastState,
      ready,
      restartCount: restarts,
      image: c.image,
      imageID: '',
      started: 'running' in state,
    };
  }

  private async startContainers(pod: Json): Promise<void> {
    const m = metaOf(pod);
    const uid = str(m.uid);
    const now = Date.now();
    const nowIso = rfc3339(now);
    const containers = containersOf(pod);
    const run: Run = {
      startedMs: now,
      startedAt: nowIso,
      plans: new Map(),
      timers: [],
      lines: [],
      restarts: 0,
    };
    for (const c of containers) run.plans.set(str(c.name), planFor(pod, c));
    const ip = this.allocateIp();
    // Init containers have run to completion (KWOK's fast stage); sidecars keep running.
    const inits = asArray(field(pod, 'spec', 'initContainers')).filter(isObject);
    const initStatuses = inits.map((c) =>
      c.restartPolicy === 'Always'
        ? this.containerStatus(c, { running: { startedAt: nowIso } }, true, 0)
        : this.containerStatus(
            c,
            { terminated: { exitCode: 0, reason: 'Completed', startedAt: nowIso, finishedAt: nowIso } },
            false,
            0,
          ),
    );
    await this.patchStatus(pod, {
      phase: 'Running',
      conditions: [
        this.condition(pod, 'Initialized', 'True', nowIso),
        this.condition(pod, 'Ready', 'True', nowIso),
        this.condition(pod, 'ContainersReady', 'True', nowIso),
        this.condition(pod, 'PodScheduled', 'True', nowIso),
      ],
      hostIP: this.hostIP,
      podIP: ip,
      podIPs: [{ ip }],
      startTime: nowIso,
      ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
      containerStatuses: containers.map((c) =>
        this.containerStatus(c, { running: { startedAt: nowIso } }, true, 0),
      ),
      qosClass: str(field(pod, 'status', 'qosClass')) || qosClassOf(pod),
    });
    this.runs.set(uid, run);
    this.print(pod, run);
  }

  /** Writes each container's lines into PodLogs at their simulated times. */
  private print(pod: Json, run: Run): void {
    const m = metaOf(pod);
    run.lines = [];
    for (const [container, plan] of run.plans) {
      let at = 0;
      for (const step of plan.steps) {
        if ('sleepMs' in step) {
          at += step.sleepMs;
          continue;
        }
        let written = false;
        const write = (): void => {
          if (written) return;
          written = true;
          this.d.logs.append(str(m.namespace), str(m.name), container, step.print, new Date());
        };
        if (at === 0) write();
        else {
          const t = setTimeout(write, this.d.time.real(at));
          t.unref?.();
          run.timers.push(t);
          run.lines.push({ write });
        }
      }
    }
  }

  /**
   * A container exits after its last line: a line due at the same instant (its timer and the
   * exit's fire in either order) is written before the log is closed, never lost.
   */
  private flushLines(run: Run | undefined): void {
    for (const line of run?.lines ?? []) line.write();
    if (run) run.lines = [];
  }

  private async finish(pod: Json): Promise<void> {
    const m = metaOf(pod);
    const uid = str(m.uid);
    const run = this.runs.get(uid);
    const nowIso = rfc3339();
    const containers = containersOf(pod);
    const restartPolicy = str(field(pod, 'spec', 'restartPolicy')) || 'Always';
    if (run?.restartAtMs !== undefined) return this.restart(pod, run);
    const exits = containers.map((c) => run?.plans.get(str(c.name))?.exitCode ?? 0);
    const failed = exits.some((x) => x !== 0);
    const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && failed);
    const terminated = (c: Json, i: number): Json => ({
      terminated: {
        exitCode: exits[i],
        reason: exits[i] === 0 ? 'Completed' : 'Error',
        startedAt: run?.startedAt ?? nowIso,
        finishedAt: nowIso,
      },
    });
    this.flushLines(run);
    for (const c of containers) this.d.logs.finish(str(m.namespace), str(m.name), str(c.name));
    if (restart && run) {
      // The container comes back after the kubelet's restart back-off, the pod stays Running.
      run.restarts++;
      const backoff = Math.min(RESTART_BACKOFF_MS * 2 ** (run.restarts - 1), MAX_RESTART_BACKOFF_MS);
      run.restartAtMs = Date.now() + this.d.time.real(backoff);
      const names = containers.map((c) => str(c.name)).join(' ');
      await this.patchStatus(pod, {
        conditions: [
          this.condition(pod, 'Initialized', 'True', nowIso),
          this.condition(
            pod,
            'Ready',
            'False',
            nowIso,
            'ContainersNotReady',
            `containers with unready status: [${names}]`,
          ),
          this.condition(
            pod,
            'ContainersReady',
            'False',
            nowIso,
            'ContainersNotReady',
            `containers with unready status: [${names}]`,
          ),
          this.condition(pod, 'PodScheduled', 'True', nowIso),
        ],
        containerStatuses: containers.map((c, i) =>
          this.containerStatus(
            c,
            {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${backoff / 1000}s restarting failed container=${str(c.name)} pod=${str(m.name)}_${str(m.namespace)}(${uid})`,
              },
            },
            false,
            run.restarts,
            terminated(c, i),
          ),
        ),
      });
      this.queue.add(objectKey(pod), Math.max(1, this.d.time.real(backoff)));
      return;
    }
    const reason = failed ? 'PodFailed' : 'PodCompleted';
    await this.patchStatus(pod, {
      phase: failed ? 'Failed' : 'Succeeded',
      conditions: [
        this.condition(pod, 'Initialized', 'True', nowIso),
        this.condition(pod, 'Ready', 'False', nowIso, reason),
        this.condition(pod, 'ContainersReady', 'False', nowIso, reason),
        this.condition(pod, 'PodScheduled', 'True', nowIso),
      ],
      containerStatuses: containers.map((c, i) =>
        this.containerStatus(c, terminated(c, i), false, run?.restarts ?? 0),
      ),
    });
    this.runs.delete(uid);
  }

  private async restart(pod: Json, run: Run): Promise<void> {
    const m = metaOf(pod);
    const now = Date.now();
    const nowIso = rfc3339(now);
    const containers = containersOf(pod);
    for (const c of containers) this.d.logs.restart(str(m.namespace), str(m.name), str(c.name));
    const last = new Map(
      asArray(field(pod, 'status', 'containerStatuses')).map((s) => [
        str(s.name),
        isObject(s.lastState) ? s.lastState : {},
      ]),
    );
    run.restartAtMs = undefined;
    run.startedMs = now;
    run.startedAt = nowIso;
    await this.patchStatus(pod, {
      conditions: [
        this.condition(pod, 'Initialized', 'True', nowIso),
        this.condition(pod, 'Ready', 'True', nowIso),
        this.condition(pod, 'ContainersReady', 'True', nowIso),
        this.condition(pod, 'PodScheduled', 'True', nowIso),
      ],
      containerStatuses: containers.map((c) =>
        this.containerStatus(
          c,
          { running: { startedAt: nowIso } },
          true,
          run.restarts,
          last.get(str(c.name)),
        ),
      ),
    });
    this.print(pod, run);
  }

  /** The pod goes for good (grace 0); the registry keeps it while finalizers remain. */
  private async deleteNow(pod: Json): Promise<void> {
    const m = metaOf(pod);
    const uid = str(m.uid);
    const run = this.runs.get(uid);
    for (const t of run?.timers ?? []) clearTimeout(t);
    for (const c of containersOf(pod)) this.d.logs.finish(str(m.namespace), str(m.name), str(c.name));
    try {
      const out = await this.d.client.delete(PODS, str(m.namespace), str(m.name), {
        gracePeriodSeconds: 0,
        preconditions: { uid },
      });
      if (out) this.d.pods.observe(out);
    } catch (e) {
      if (!isNotFound(e) && !(e instanceof StatusError && e.code === 409)) throw e;
    }
  }

  /** Containers of a deleted pod that is still held by finalizers are reported stopped (SIGKILL). */
  private async stopContainers(pod: Json): Promise<void> {
    const m = metaOf(pod);
    const uid = str(m.uid);
    const run = this.runs.get(uid);
    const nowIso = rfc3339();
    await this.patchStatus(pod, {
      phase: 'Failed',
      conditions: [
        this.condition(pod, 'Initialized', 'True', nowIso),
        this.condition(pod, 'Ready', 'False', nowIso, 'PodFailed'),
        this.condition(pod, 'ContainersReady', 'False', nowIso, 'PodFailed'),
        this.condition(pod, 'PodScheduled', 'True', nowIso),
      ],
      containerStatuses: containersOf(pod).map((c) =>
        this.containerStatus(
          c,
          {
            terminated: {
              exitCode: 137,
              reason: 'Error',
              startedAt: run?.startedAt ?? nowIso,
              finishedAt: nowIso,
            },
          },
          false,
          run?.restarts ?? 0,
        ),
      ),
    });
    this.runs.delete(uid);
  }
}
