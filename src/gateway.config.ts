// The whole configuration, read once from an environment map: main.ts passes its own,
// tests pass their own maps. Every module's reader adds to one list of problems, so a bad
// start names everything that is wrong together, before anything is built or listens.
import { readAuthConfig, AuthConfig } from './auth/auth.config';
import { AppConfig, readAppConfig } from './common/config/app.config';
import { ConfigProblems, Env } from './common/config/validate-env';
import { K8sConfig, readK8sConfig } from './k8s/k8s.config';
import { readWatchConfig, WatchConfig } from './job/watch/watch.config';

export interface GatewayConfig {
  app: AppConfig;
  k8s: K8sConfig;
  auth: AuthConfig;
  watch: WatchConfig;
}

/** Throws ConfigError listing every problem found. */
export function loadConfig(env: Env): GatewayConfig {
  const problems = new ConfigProblems();
  const app = readAppConfig(env, problems);
  const k8s = readK8sConfig(env, problems);
  const auth = readAuthConfig(env, k8s.backend, problems);
  const watch = readWatchConfig(env, problems);
  problems.throwIfAny();
  return { app, k8s, auth, watch };
}
