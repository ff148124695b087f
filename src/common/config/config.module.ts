// Hands the configuration loaded in main.ts (or by a test) to every module. Each section's
// class is its DI token, so a provider asks for `K8sConfig` and none reads the environment.
import { DynamicModule, Global, Module, ValueProvider } from '@nestjs/common';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(sections: ValueProvider[]): DynamicModule {
    return { module: ConfigModule, providers: sections, exports: sections.map((s) => s.provide) };
  }
}
