// The process's own settings: where it listens and how much it logs.
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ConfigProblems, Env, validateEnv } from './validate-env';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

class AppEnv {
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsOptional() @IsString() HOST: string = '0.0.0.0';
  @IsOptional() @IsIn(LOG_LEVELS) LOG_LEVEL: LogLevel = 'info';
}

/** Also the DI token: providers ask for `AppConfig` and get the loaded values. */
export abstract class AppConfig {
  port!: number;
  host!: string;
  logLevel!: LogLevel;
  /** Bodies above this are 413, as the apiserver's own limit. */
  bodyLimitBytes!: number;
}

export function readAppConfig(env: Env, problems: ConfigProblems): AppConfig {
  const e = validateEnv(AppEnv, env, problems);
  return { port: e.PORT, host: e.HOST, logLevel: e.LOG_LEVEL, bodyLimitBytes: 3 * 1024 * 1024 };
}
