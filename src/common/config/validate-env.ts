// Reads a config class from the environment once, at boot, and fails with every
// problem listed when a value is bad: no silent defaults for values that were given.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

export function validateEnv<T extends object>(cls: new () => T, env: Env): T {
  const instance = plainToInstance(cls, env, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length) {
    const lines = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map(
        (m) => `- ${e.property}=${JSON.stringify(env[e.property] ?? '')}: ${m}`,
      ),
    );
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return instance;
}
