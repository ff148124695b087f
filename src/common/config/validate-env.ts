// Reads a settings class from an environment map once, at boot. Problems are collected,
// not thrown one at a time, so that a bad start lists everything that is wrong at once.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems
        .map((p) => `- ${p}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Where every reader writes what it found wrong; thrown as one ConfigError at the end. */
export class ConfigProblems {
  private readonly list: string[] = [];

  add(problem: string): void {
    this.list.push(problem);
  }

  get all(): readonly string[] {
    return this.list;
  }

  throwIfAny(): void {
    if (this.list.length) throw new ConfigError([...this.list]);
  }
}

/** An empty value is an unset one: `FOO=` in a compose file or a shell means "not given". */
export function given(env: Env, key: string): string | undefined {
  const v = env[key];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Fills `cls` from the environment and checks it with its class-validator decorators.
 * A bad value is reported and its property left at the class default, so that the
 * cross-checks that follow still run and report their own problems.
 */
export function validateEnv<T extends object>(cls: new () => T, env: Env, problems: ConfigProblems): T {
  const defaults = new cls();
  const present: Record<string, string> = {};
  for (const key of Object.keys(env)) {
    const v = given(env, key);
    if (v !== undefined) present[key] = v;
  }
  const instance = plainToInstance(cls, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: false });
  for (const e of errors) {
    for (const m of Object.values(e.constraints ?? {}))
      problems.add(`${e.property}=${JSON.stringify(env[e.property] ?? '')}: ${m}`);
    (instance as Record<string, unknown>)[e.property] = (defaults as Record<string, unknown>)[e.property];
  }
  return instance;
}
