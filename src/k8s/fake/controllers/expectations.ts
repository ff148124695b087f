// ControllerExpectations (pkg/controller/controller_utils.go): after creating or deleting pods
// a controller waits until its informer has seen them before acting on that Job again, so a
// sync that runs before the watch caught up does not create the same pods twice.

// controller.ExpectationsTimeout: expectations that never come true stop blocking after it.
const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expected {
  add: number;
  del: number;
  at: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expected>();

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, at: Date.now() });
  }

  expectDeletions(key: string, n: number): void {
    this.byKey.set(key, { add: 0, del: n, at: Date.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.del--;
  }

  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || Date.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}

/** The job controller's finalizer expectations: pod uids whose tracking finalizer it is removing. */
export class UidExpectations {
  private readonly byKey = new Map<string, Set<string>>();

  expect(key: string, uids: string[]): void {
    let s = this.byKey.get(key);
    if (!s) this.byKey.set(key, (s = new Set()));
    for (const u of uids) s.add(u);
  }

  observed(key: string, uid: string): void {
    const s = this.byKey.get(key);
    if (!s) return;
    s.delete(uid);
    if (!s.size) this.byKey.delete(key);
  }

  get(key: string): ReadonlySet<string> {
    return new Set(this.byKey.get(key));
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
