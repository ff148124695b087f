// The resources the fake serves, by API group: adding one is adding its strategy here.
import { own } from '../../json';
import { coreEventStrategy, eventsV1Strategy } from './event.strategy';
import { jobStrategy } from './job.strategy';
import { namespaceStrategy } from './namespace.strategy';
import { nodeStrategy } from './node.strategy';
import { podStrategy } from './pod.strategy';
import { ResourceStrategy } from './strategy';

export const GROUPS: Record<string, ResourceStrategy[]> = {
  // Discovery lists a group's resources in this order, as the apiserver sorts them by name.
  '': [coreEventStrategy, namespaceStrategy, nodeStrategy, podStrategy],
  batch: [jobStrategy],
  'events.k8s.io': [eventsV1Strategy],
};

export function strategyFor(group: string, version: string, resource: string): ResourceStrategy | undefined {
  const list = own(GROUPS, group);
  return list?.find((s) => s.info.version === version && s.info.resource === resource);
}

export const allStrategies = (): ResourceStrategy[] => Object.values(GROUPS).flat();
