// Turns a bearer token into a user; several authenticators form a union, as in kube-apiserver.
import { UserInfo } from './user-info';

export abstract class Authenticator {
  /** The user the token belongs to, or undefined when this authenticator does not know it. */
  abstract authenticate(token: string): Promise<UserInfo | undefined>;
}

export class UnionAuthenticator extends Authenticator {
  constructor(private readonly members: Authenticator[]) {
    super();
  }

  async authenticate(token: string): Promise<UserInfo | undefined> {
    for (const m of this.members) {
      const user = await m.authenticate(token);
      if (user) return user;
    }
    return undefined;
  }
}
