import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '../common/config/validate-env';

export type Backend = 'fake' | 'cluster';

class K8sEnv {
  @IsOptional() @IsIn(['fake', 'cluster']) K8S_BACKEND: Backend = 'fake';
  @IsOptional() @IsString() KUBECONFIG?: string;
  @IsOptional() @IsString() @MinLength(1) K8S_CONTEXT?: string;
  @IsOptional() @IsInt() @Min(100) @Max(600000) K8S_TIMEOUT_MS: number = 10000;
  @IsOptional() @IsString() @MinLength(1) K8S_FIELD_MANAGER: string = 'job-gateway';
  @IsOptional() @IsInt() @Min(0) @Max(65535) FAKE_APISERVER_PORT: number = 0;
}

export interface K8sConfig {
  backend: Backend;
  kubeconfig?: string;
  context?: string;
  timeoutMs: number;
  fieldManager: string;
  fakePort: number;
}

export const k8sConfig = registerAs('k8s', (): K8sConfig => {
  const env = validateEnv(K8sEnv, process.env);
  return {
    backend: env.K8S_BACKEND,
    kubeconfig: env.KUBECONFIG,
    context: env.K8S_CONTEXT,
    timeoutMs: env.K8S_TIMEOUT_MS,
    fieldManager: env.K8S_FIELD_MANAGER,
    fakePort: env.FAKE_APISERVER_PORT,
  };
});
