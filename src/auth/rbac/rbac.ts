// RBAC as Kubernetes evaluates it (pkg/registry/rbac/validation): Roles and ClusterRoles
// hold rules, RoleBindings and ClusterRoleBindings grant them to users, groups and
// service accounts. system:masters may do anything, as in the apiserver.
import { readFileSync } from 'node:fs';
import { DocumentError, parseYaml, ParsedYaml } from '../../common/body/yaml-source';
import { isObject, str } from '../../k8s/json';
import { UserInfo } from '../user-info';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

interface Binding {
  namespace?: string;
  subjects: Subject[];
  roleRef: RoleRef;
}

export interface ResourceAttributes {
  verb: string;
  apiGroup: string;
  resource: string;
  namespace: string;
  name?: string;
}

export class RbacFileError extends Error {}

const has = (list: string[] | undefined, value: string): boolean =>
  !!list && (list.includes('*') || list.includes(value));

export function ruleAllows(rule: PolicyRule, a: ResourceAttributes): boolean {
  if (!has(rule.verbs, a.verb) || !has(rule.apiGroups, a.apiGroup) || !has(rule.resources, a.resource))
    return false;
  if (!rule.resourceNames?.length) return true;
  return a.name !== undefined && a.name !== '' && rule.resourceNames.includes(a.name);
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace?: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.name === `system:serviceaccount:${s.namespace ?? bindingNamespace ?? ''}:${s.name}`;
  }
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);

export class RbacPolicy {
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly bindings: Binding[] = [];

  /**
   * Reads Role, ClusterRole, RoleBinding and ClusterRoleBinding objects (YAML documents or
   * a List). Every object is checked, so a file with several mistakes reports them all,
   * each with the line its object starts on.
   */
  static read(text: string, source = 'RBAC file'): { policy: RbacPolicy; problems: string[] } {
    const policy = new RbacPolicy();
    let parsed: ParsedYaml;
    try {
      parsed = parseYaml(text);
    } catch (e) {
      const at = e instanceof DocumentError && e.position ? ` line ${e.position.line}` : '';
      return { policy, problems: [`${source}${at}: ${(e as Error).message}`] };
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    parsed.documents.forEach((doc, i) => {
      const root = parsed.roots[i];
      const items = isObject(doc) && Array.isArray(doc.items) ? (doc.items as unknown[]) : undefined;
      const objects = items
        ? items.map((o, j) => ({ o, node: root?.children.get('items')?.children.get(String(j)) }))
        : [{ o: doc, node: root }];
      for (const { o, node } of objects) {
        if (o === null) continue;
        const where = node ? `${source} line ${node.position.line}` : source;
        try {
          const key = policy.add(o, where);
          if (seen.has(key)) problems.push(`${where}: ${key} is defined more than once`);
          seen.add(key);
        } catch (e) {
          if (!(e instanceof RbacFileError)) throw e;
          problems.push(e.message);
        }
      }
    });
    return { policy, problems };
  }

  /** As `read`, for a policy that must be right: throws every problem at once. */
  static parse(text: string, source = 'RBAC file'): RbacPolicy {
    const { policy, problems } = RbacPolicy.read(text, source);
    if (problems.length) throw new RbacFileError(problems.join('\n'));
    return policy;
  }

  /** Reads and parses the file; a file that cannot be read is one problem. */
  static readFile(path: string): { policy: RbacPolicy; problems: string[] } {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      return {
        policy: new RbacPolicy(),
        problems: [`cannot read AUTH_RBAC_FILE ${path}: ${(e as Error).message}`],
      };
    }
    return RbacPolicy.read(text, `AUTH_RBAC_FILE ${path}`);
  }

  /** Full rights for a group, the way system:masters has them. */
  static superuserGroup(group: string): RbacPolicy {
    const p = new RbacPolicy();
    p.clusterRoles.set('job-gateway:admin', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    p.bindings.push({
      subjects: [{ kind: 'Group', name: group }],
      roleRef: { kind: 'ClusterRole', name: 'job-gateway:admin' },
    });
    return p;
  }

  /** Adds one object; returns `Kind namespace/name`, to find objects given twice. */
  private add(o: unknown, source: string): string {
    if (!isObject(o)) throw new RbacFileError(`${source}: every document must be an object`);
    const kind = str(o.kind);
    const meta = isObject(o.metadata) ? o.metadata : {};
    const name = str(meta.name);
    const where = `${source}: ${kind} "${name}"`;
    if (o.apiVersion !== 'rbac.authorization.k8s.io/v1')
      throw new RbacFileError(`${where}: apiVersion must be rbac.authorization.k8s.io/v1`);
    if (!name) throw new RbacFileError(`${where}: metadata.name is required`);
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
    switch (kind) {
      case 'Role':
      case 'ClusterRole': {
        const rules = (Array.isArray(o.rules) ? o.rules : []).map((r): PolicyRule => {
          if (!isObject(r) || !Array.isArray(r.verbs))
            throw new RbacFileError(`${where}: each rule needs verbs`);
          return {
            verbs: strings(r.verbs) ?? [],
            apiGroups: strings(r.apiGroups),
            resources: strings(r.resources),
            resourceNames: strings(r.resourceNames),
          };
        });
        if (kind === 'Role') {
          if (!namespace) throw new RbacFileError(`${where}: a Role needs metadata.namespace`);
          this.roles.set(`${namespace}/${name}`, rules);
          return `Role ${namespace}/${name}`;
        }
        this.clusterRoles.set(name, rules);
        return `ClusterRole ${name}`;
      }
      case 'RoleBinding':
      case 'ClusterRoleBinding': {
        const ref = isObject(o.roleRef) ? o.roleRef : {};
        const refKind = ref.kind;
        if (refKind !== 'Role' && refKind !== 'ClusterRole')
          throw new RbacFileError(`${where}: roleRef.kind must be Role or ClusterRole`);
        if (kind === 'ClusterRoleBinding' && refKind === 'Role')
          throw new RbacFileError(`${where}: a ClusterRoleBinding can only refer to a ClusterRole`);
        if (kind === 'RoleBinding' && !namespace)
          throw new RbacFileError(`${where}: a RoleBinding needs metadata.namespace`);
        const subjects = (Array.isArray(o.subjects) ? o.subjects : []).map((s): Subject => {
          if (!isObject(s) || !['User', 'Group', 'ServiceAccount'].includes(String(s.kind)) || !s.name)
            throw new RbacFileError(
              `${where}: subjects need a kind (User, Group, ServiceAccount) and a name`,
            );
          return {
            kind: s.kind as Subject['kind'],
            name: str(s.name),
            namespace: typeof s.namespace === 'string' ? s.namespace : undefined,
          };
        });
        this.bindings.push({
          namespace: kind === 'RoleBinding' ? namespace : undefined,
          subjects,
          roleRef: { kind: refKind, name: str(ref.name) },
        });
        return kind === 'RoleBinding' ? `RoleBinding ${namespace}/${name}` : `ClusterRoleBinding ${name}`;
      }
      default:
        throw new RbacFileError(
          `${where}: only Role, ClusterRole, RoleBinding and ClusterRoleBinding are read`,
        );
    }
  }

  allows(user: UserInfo, a: ResourceAttributes): boolean {
    if (user.groups.includes('system:masters')) return true;
    for (const b of this.bindings) {
      if (b.namespace !== undefined && b.namespace !== a.namespace) continue;
      if (!b.subjects.some((s) => subjectMatches(s, user, b.namespace))) continue;
      const rules =
        b.roleRef.kind === 'ClusterRole'
          ? this.clusterRoles.get(b.roleRef.name)
          : this.roles.get(`${b.namespace}/${b.roleRef.name}`);
      if (rules?.some((r) => ruleAllows(r, a))) return true;
    }
    return false;
  }
}
