// Which methods each route path serves, recorded as Fastify registers the routes, so the one
// 405 handler can name them in `Allow` for any other method on the same path.
import { Injectable } from '@nestjs/common';

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

// `/a/:ns/b/:name` → /^\/a\/[^/]+\/b\/[^/]+$/
const patternOf = (url: string): RegExp =>
  new RegExp(
    `^${url
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`,
  );

@Injectable()
export class RouteMethods {
  private readonly byUrl = new Map<string, PathMethods>();

  /** Called from Fastify's onRoute hook; wildcard routes (the 405 handler itself) are left out. */
  record(methods: string | string[], url: string): void {
    if (url.includes('*')) return;
    const entry = this.byUrl.get(url) ?? { pattern: patternOf(url), methods: new Set<string>() };
    for (const m of Array.isArray(methods) ? methods : [methods]) entry.methods.add(m.toUpperCase());
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
    this.byUrl.set(url, entry);
  }

  /** The methods served at `path`, in a stable order, or undefined when no route has that path. */
  allowedFor(path: string): string[] | undefined {
    const found = new Set<string>();
    for (const { pattern, methods } of this.byUrl.values())
      if (pattern.test(path)) for (const m of methods) found.add(m);
    if (!found.size) return undefined;
    return [...found].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  }
}
