// Pure logic of one subscriber: what it is sent for each change, given its selectors and
// resume point, and when it is dropped. The output is an in-memory stand-in for the socket
// that reports as much queued as the test says.
import { jobSelector } from './job-selector';
import { SseSubscriber, StreamOutput } from './sse-subscriber';
import { Change } from './watch-event';

class MemoryOutput implements StreamOutput {
  readonly frames: string[] = [];
  ended = false;
  queuedBytes = 0;
  private readonly closers: (() => void)[] = [];
  write(chunk: string | Buffer): void {
    this.frames.push(String(chunk));
  }
  end(): void {
    this.ended = true;
  }
  onClose(listener: () => void): void {
    this.closers.push(listener);
  }
  /** event names and ids, in order, of what was written after the retry line */
  sent(): string[] {
    return this.frames
      .slice(1)
      .map((f) => `${/^event: (\S+)/m.exec(f)?.[1] ?? '?'}@${/^id: (\S+)/m.exec(f)?.[1] ?? ''}`);
  }
}

const job = (name: string, rv: number, labels: Record<string, string> = {}) => ({
  kind: 'Job',
  apiVersion: 'batch/v1',
  metadata: { name, namespace: 'ns', resourceVersion: String(rv), labels },
});

function subscriber(labelSelector = '', from?: string, maxQueuedBytes = 1 << 20) {
  const out = new MemoryOutput();
  const sub = new SseSubscriber(out, {
    predicate: jobSelector(labelSelector),
    from,
    heartbeatMs: 60000,
    bookmarkMs: 60000,
    maxQueuedBytes,
  });
  return { out, sub };
}

describe('SseSubscriber', () => {
  it.each([
    ['matches before and after', 'app=a', { app: 'a' }, { app: 'a' }, 'MODIFIED@2'],
    ['starts matching', 'app=a', { app: 'b' }, { app: 'a' }, 'ADDED@2'],
    ['stops matching', 'app=a', { app: 'a' }, { app: 'b' }, 'DELETED@2'],
    ['never matches', 'app=a', { app: 'b' }, { app: 'c' }, undefined],
  ])('sends a MODIFIED that %s as the apiserver watch cache does', (_, sel, before, after, expected) => {
    const { out, sub } = subscriber(sel);
    sub.deliver(new Change('MODIFIED', job('j', 2, after), job('j', 1, before)));
    expect(out.sent()).toEqual(expected ? [expected] : []);
  });

  it('shows a Job that stops matching as it was, at the version of the change', () => {
    const { out, sub } = subscriber('app=a');
    sub.deliver(new Change('MODIFIED', job('j', 7, { app: 'b' }), job('j', 3, { app: 'a' })));
    const data = JSON.parse(/^data: (.*)$/m.exec(out.frames[1])?.[1] ?? '{}');
    expect(data.metadata).toEqual({ name: 'j', namespace: 'ns', resourceVersion: '7', labels: { app: 'a' } });
  });

  it('sends nothing at or before its resume point, and each change once', () => {
    const { out, sub } = subscriber('', '5');
    const six = new Change('ADDED', job('b', 6));
    for (const c of [new Change('ADDED', job('a', 4)), new Change('MODIFIED', job('a', 5)), six, six])
      sub.deliver(c);
    expect(out.sent()).toEqual(['ADDED@6']);
  });

  it("sends each of a re-list's deletions, which share the list's version, once", () => {
    const { out, sub } = subscriber('', '5');
    const gone = ['x', 'y'].map((n) => {
      const c = new Change('DELETED', job(n, 9));
      c.sharesVersion = true;
      return c;
    });
    for (const c of [...gone, ...gone]) sub.deliver(c);
    expect(out.sent()).toEqual(['DELETED@9', 'DELETED@9']);
  });

  it('sends current Jobs as ADDED whatever their version, then moves on with progress', () => {
    const { out, sub } = subscriber('app=a');
    sub.deliver(new Change('MODIFIED', job('late', 9, { app: 'a' })), true);
    sub.deliver(new Change('ADDED', job('early', 3, { app: 'a' })), true);
    sub.deliver(new Change('ADDED', job('other', 4, { app: 'b' })), true);
    sub.progress('10');
    sub.deliver(new Change('MODIFIED', job('late', 10, { app: 'a' })));
    sub.deliver(new Change('MODIFIED', job('late', 11, { app: 'a' })));
    expect(out.sent()).toEqual(['ADDED@9', 'ADDED@3', 'MODIFIED@11']);
  });

  it('drops a subscriber that does not read, with an error event, instead of queueing more', () => {
    const { out, sub } = subscriber('', undefined, 1024);
    const ended = jest.fn();
    sub.onEnd(ended);
    sub.deliver(new Change('ADDED', job('a', 1)));
    out.queuedBytes = 4096;
    sub.deliver(new Change('ADDED', job('b', 2)));
    sub.deliver(new Change('ADDED', job('c', 3)));
    expect(out.sent()).toEqual(['ADDED@1', 'error@']);
    expect(JSON.parse(/^data: (.*)$/m.exec(out.frames[2])?.[1] ?? '{}')).toMatchObject({
      kind: 'Status',
      reason: 'Timeout',
      code: 504,
      message: expect.stringContaining('4096 bytes waiting, limit 1024'),
    });
    expect(out.ended).toBe(true);
    expect(sub.isOpen).toBe(false);
    expect(ended).toHaveBeenCalledTimes(1);
  });
});
