// Who is calling, as Kubernetes' authenticators describe a user.
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

/** What the upstream request carries on behalf of the caller. */
export interface Caller {
  user?: UserInfo;
  /** passthrough: the caller's own token goes to the apiserver. */
  bearerToken?: string;
  /** impersonation: the apiserver acts as `user`. */
  impersonate?: boolean;
}

export const AUTHENTICATED_GROUP = 'system:authenticated';
