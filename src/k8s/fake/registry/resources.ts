// The resources the fake serves, by API group: adding one is adding its strategy here.
import { own } from '../../json';
import { jobStrategy } from './job.strategy';
import { namespaceStrategy } from './namespace.strategy';
import { ResourceStrategy } from './strategy';

export const GROUPS: Record<string, ResourceStrategy[]> = {
  '': [namespaceStrategy],
  batch: [jobStrategy],
};

export function strategyFor(group: string, version: string, resource: string): ResourceStrategy | undefined {
  const list = own(GROUPS, group);
  return list?.find((s) => s.info.version === version && s.info.resource === resource);
}

export const allStrategies = (): ResourceStrategy[] => Object.values(GROUPS).flat();
