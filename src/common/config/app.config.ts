// The process's own settings: where it listens, how much it logs and in what form, and
// where its metrics are served.
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigProblems, Env, given, validateEnv } from './validate-env';
import { APISERVER_MAX_REQUEST_BYTES } from '../../k8s/limits';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `auto`: readable lines on a terminal, JSON lines anywhere else (a file, a pipe, a collector). */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

class AppEnv {
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsOptional() @IsString() HOST: string = '0.0.0.0';
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL: LogLevel = 'info';
  @IsOptional() @IsIn(LOG_FORMATS) LOG_FORMAT: LogFormat = 'auto';
  @IsOptional() @IsInt() @Min(0) @Max(65535) METRICS_PORT?: number;
  @IsOptional() @IsString() METRICS_HOST: string = '127.0.0.1';
}

/** Also the DI token: providers ask for `AppConfig` and get the loaded values. */
export abstract class AppConfig {
  port!: number;
  host!: string;
  logLevel!: LogLevel;
  logFormat!: LogFormat;
  /** Colour on a terminal, unless NO_COLOR is set (no-color.org). */
  logColour!: boolean;
  /** Bodies above this are 413, as the apiserver's own limit. */
  bodyLimitBytes!: number;
  /** /metrics on a listener of its own, never on the API port; none when unset. */
  metrics?: { port: number; host: string };
}

export function readAppConfig(env: Env, problems: ConfigProblems): AppConfig {
  const e = validateEnv(AppEnv, env, problems);
  const metricsPort = e.METRICS_PORT;
  if (metricsPort === undefined && given(env, 'METRICS_HOST'))
    problems.add('METRICS_HOST is set but METRICS_PORT is not: set METRICS_PORT to serve /metrics');
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === e.PORT)
    problems.add(`METRICS_PORT=${metricsPort} is the API port (PORT): /metrics needs a port of its own`);
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    logColour: given(env, 'NO_COLOR') === undefined,
    bodyLimitBytes: APISERVER_MAX_REQUEST_BYTES,
    ...(metricsPort === undefined ? {} : { metrics: { port: metricsPort, host: e.METRICS_HOST } }),
  };
}
