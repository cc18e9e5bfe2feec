import type { IncomingMessage, ServerResponse } from 'node:http';

/** The parts of a request's target a handler needs. */
export interface RequestTarget {
  /** The path without the query string. */
  path: string;
  /** The query string including its `?`, or ''. */
  search: string;
}

/** Answers one request; a rejection is answered with 500 by the server. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, target: RequestTarget) => void | Promise<void>;

/**
 * One line of the routing table. The first route whose path, method and `when` all match
 * serves the request; none matching is a 404.
 */
export interface Route {
  /** The exact path, or with `prefix` every path starting with it. */
  path: string;
  prefix?: boolean;
  /** Methods served; absent = every method (the handler answers the others itself). */
  methods?: readonly string[];
  /** A further condition, e.g. a browser asking for HTML. */
  when?: (request: IncomingMessage) => boolean;
  handle: RouteHandler;
}

/** Splits a request target (`/path?query`) into path and query string. */
export function requestTarget(url: string | undefined): RequestTarget {
  const target = url ?? '/';
  const queryAt = target.indexOf('?');
  return queryAt === -1 ? { path: target, search: '' } : { path: target.slice(0, queryAt), search: target.slice(queryAt) };
}

/** The route serving `request` at `path`, if any. */
export function findRoute(routes: readonly Route[], request: IncomingMessage, path: string): Route | undefined {
  return routes.find(
    (route) =>
      (route.prefix ? path.startsWith(route.path) : path === route.path) &&
      (route.methods === undefined || route.methods.includes(request.method ?? 'GET')) &&
      (route.when === undefined || route.when(request)),
  );
}
