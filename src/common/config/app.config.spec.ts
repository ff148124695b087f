// Pure: the process's own settings read from environment maps (log format, metrics listener).
import { readAppConfig } from './app.config';
import { ConfigProblems, Env } from './validate-env';

function read(env: Env): { config: ReturnType<typeof readAppConfig>; problems: readonly string[] } {
  const problems = new ConfigProblems();
  return { config: readAppConfig(env, problems), problems: problems.all };
}

describe('readAppConfig', () => {
  it('defaults: info, auto format, colour, no metrics listener', () => {
    const { config, problems } = read({});
    expect(problems).toEqual([]);
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      logFormat: 'auto',
      logColour: true,
      bodyLimitBytes: 3 * 1024 * 1024,
    });
  });

  it('serves metrics where asked, on loopback unless told otherwise', () => {
    expect(read({ METRICS_PORT: '9464' }).config.metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(read({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).config.metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
    expect(read({ METRICS_PORT: '0', PORT: '0' }).problems).toEqual([]);
  });

  it('honours NO_COLOR and LOG_FORMAT', () => {
    expect(read({ NO_COLOR: '1', LOG_FORMAT: 'json' }).config).toMatchObject({
      logColour: false,
      logFormat: 'json',
    });
  });

  it.each([
    [
      { LOG_FORMAT: 'fancy' },
      'LOG_FORMAT="fancy": LOG_FORMAT must be one of the following values: auto, json, pretty',
    ],
    [{ METRICS_PORT: 'abc' }, 'METRICS_PORT="abc": METRICS_PORT must be an integer number'],
    [
      { METRICS_HOST: '0.0.0.0' },
      'METRICS_HOST is set but METRICS_PORT is not: set METRICS_PORT to serve /metrics',
    ],
    [{ METRICS_PORT: '3000' }, 'METRICS_PORT=3000 is the API port (PORT): /metrics needs a port of its own'],
  ])('refuses %j', (env, problem) => {
    expect(read(env).problems).toContain(problem);
  });
});
