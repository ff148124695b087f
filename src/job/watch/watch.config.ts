// Live-update settings: how many streams the gateway holds open, how often it proves a
// stream alive, and how much it keeps to let a reconnecting browser resume without a gap.
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConfigProblems, Env, validateEnv } from '../../common/config/validate-env';

class WatchEnv {
  @IsOptional() @IsInt() @Min(1) @Max(1000000) WATCH_MAX_STREAMS: number = 10000;
  @IsOptional() @IsInt() @Min(1) @Max(1000000) WATCH_MAX_STREAMS_PER_IDENTITY: number = 50;
  @IsOptional() @IsInt() @Min(1) @Max(3600) WATCH_HEARTBEAT_SECONDS: number = 15;
  @IsOptional() @IsInt() @Min(1) @Max(3600) WATCH_BOOKMARK_SECONDS: number = 60;
  @IsOptional() @IsInt() @Min(10) @Max(10000000) WATCH_HISTORY_EVENTS: number = 10000;
  @IsOptional() @IsInt() @Min(1024) @Max(1024 * 1024 * 1024) WATCH_MAX_QUEUED_BYTES: number = 4 * 1024 * 1024;
  @IsOptional() @IsInt() @Min(0) @Max(3600) WATCH_IDLE_SECONDS: number = 60;
}

/** Also the DI token: providers ask for `WatchConfig` and get the loaded values. */
export abstract class WatchConfig {
  /** Open watch streams in the whole gateway; past it, 429. */
  maxStreams!: number;
  /** Open watch streams per caller (user, passthrough token or client address); past it, 429. */
  maxStreamsPerIdentity!: number;
  heartbeatMs!: number;
  bookmarkMs!: number;
  /** Events a shared upstream watch keeps to replay for `Last-Event-ID`; older ones are 410. */
  historyEvents!: number;
  /** A subscriber with more than this waiting to be sent is dropped with an error event. */
  maxQueuedBytes!: number;
  /** How long a shared upstream watch outlives its last subscriber (a reload reconnects). */
  idleMs!: number;
}

export function readWatchConfig(env: Env, problems: ConfigProblems): WatchConfig {
  const e = validateEnv(WatchEnv, env, problems);
  if (e.WATCH_MAX_STREAMS_PER_IDENTITY > e.WATCH_MAX_STREAMS)
    problems.add(
      `WATCH_MAX_STREAMS_PER_IDENTITY=${e.WATCH_MAX_STREAMS_PER_IDENTITY} is above WATCH_MAX_STREAMS=${e.WATCH_MAX_STREAMS}`,
    );
  return {
    maxStreams: e.WATCH_MAX_STREAMS,
    maxStreamsPerIdentity: e.WATCH_MAX_STREAMS_PER_IDENTITY,
    heartbeatMs: e.WATCH_HEARTBEAT_SECONDS * 1000,
    bookmarkMs: e.WATCH_BOOKMARK_SECONDS * 1000,
    historyEvents: e.WATCH_HISTORY_EVENTS,
    maxQueuedBytes: e.WATCH_MAX_QUEUED_BYTES,
    idleMs: e.WATCH_IDLE_SECONDS * 1000,
  };
}
