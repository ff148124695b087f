// Waiting on a system that gets there in its own time (a real cluster's controllers).
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every `everyMs` until it gives something other than undefined or false, and
 * returns that; past `ms` it fails naming `what`.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30000,
  everyMs = 200,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** until() for the fake at TIME_SCALE, which gets there in milliseconds: looks every 5 ms, for 15 s. */
export const untilSoon = <T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15000,
): Promise<T> => until(what, probe, ms, 5);
