// The work queue's guarantees, with real timers (short ones).
import { WorkQueue } from './work-queue';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Waits for a condition rather than a fixed time, so a loaded machine only makes it slower.
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(2);
  }
}

describe('work queue', () => {
  const queues: WorkQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.map((q) => q.stop()));
    queues.length = 0;
  });
  const make = (handle: (k: string) => Promise<void>, errors: string[] = [], workers = 4) => {
    const q = new WorkQueue(handle, {
      workers,
      retryBaseMs: 5,
      retryMaxMs: 20,
      onError: (k) => errors.push(k),
    });
    queues.push(q);
    return q;
  };

  it('handles a key added many times while waiting once', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // One worker, busy: the adds of "a" wait in the queue and collapse into one.
    const q = make(
      async (k) => {
        seen.push(k);
        if (k === 'block') await gate;
      },
      [],
      1,
    );
    q.add('block');
    for (let i = 0; i < 5; i++) q.add('a');
    await sleep(10);
    expect(seen).toEqual(['block']);
    release();
    await until(() => seen.length === 2);
    await sleep(20);
    expect(seen).toEqual(['block', 'a']);
  });

  it('never runs one key twice at once, and runs it again when added meanwhile', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const q = make(async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(15);
      running--;
    });
    q.add('k');
    await until(() => running === 1);
    q.add('k');
    q.add('k');
    await until(() => runs === 2 && running === 0);
    await sleep(30);
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('keeps the earliest of two delayed adds', async () => {
    const at: number[] = [];
    const start = Date.now();
    const q = make(() => {
      at.push(Date.now() - start);
      return Promise.resolve();
    });
    q.add('k', 400);
    q.add('k', 20);
    await until(() => at.length === 1);
    expect(at[0]).toBeLessThan(400);
    q.add('k', 10);
    q.add('k', 1000);
    await until(() => at.length === 2);
    expect(at[1] - at[0]).toBeLessThan(1000);
  });

  it('retries a failing key with back-off until it succeeds', async () => {
    const errors: string[] = [];
    let tries = 0;
    const q = make(() => (++tries < 3 ? Promise.reject(new Error('conflict')) : Promise.resolve()), errors);
    q.add('k');
    await until(() => tries === 3);
    await sleep(40);
    expect(tries).toBe(3);
    expect(errors).toEqual(['k', 'k']);
  });
});
