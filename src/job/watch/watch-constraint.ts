// `?watch=true` picks a different handler on the same path: a watch needs the RBAC verb
// `watch`, a list `list`, a read `get`, and the guard reads one verb per handler. Fastify
// routes by a constraint derived from the query; a request without it takes the plain route.
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { HTTPVersion, Handler as RouteHandler } from 'find-my-way';

type Handler = RouteHandler<HTTPVersion.V1>;

export const WATCH = { watch: 'true' };

// The apiserver reads the flag with Go's strconv.ParseBool.
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** 'true' when the query asks to watch; anything else routes to the plain handler (and its checks). */
export function deriveWatch(req: IncomingMessage): string | undefined {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q < 0 || !url.includes('watch=', q)) return undefined;
  const values = new URLSearchParams(url.slice(q + 1)).getAll('watch');
  return values.length === 1 && TRUE.has(values[0]) ? 'true' : undefined;
}

const strategy = {
  name: 'watch',
  storage() {
    const handlers = new Map<string, Handler>();
    return {
      get: (value: string): Handler | null => handlers.get(value) ?? null,
      set: (value: string, store: Handler): void => void handlers.set(value, store),
    };
  },
  deriveConstraint: deriveWatch,
  mustMatchWhenDerived: false,
  validate(value: unknown): void {
    if (value !== 'true') throw new Error('the watch constraint takes "true"');
  },
};

/** Registers the constraint when the app is built, before Nest adds its routes. */
@Injectable()
export class WatchRouteConstraint {
  constructor(host: HttpAdapterHost) {
    const fastify = host.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify && !fastify.hasConstraintStrategy('watch')) fastify.addConstraintStrategy(strategy);
  }
}
