import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env';

class AppEnv {
  @IsOptional() @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsOptional() @IsString() HOST: string = '0.0.0.0';
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string =
    'info';
}

export interface AppConfig {
  port: number;
  host: string;
  logLevel: string;
  /** Bodies above this are 413, as the apiserver's own limit. */
  bodyLimitBytes: number;
}

export const appConfig = registerAs('app', (): AppConfig => {
  const env = validateEnv(AppEnv, process.env);
  return { port: env.PORT, host: env.HOST, logLevel: env.LOG_LEVEL, bodyLimitBytes: 3 * 1024 * 1024 };
});
