import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestScope } from '../observability/request-scope';

/** The parts of a request's target a handler needs. */
export interface RequestTarget {
  /** The path without the query string. */
  path: string;
  /** The query string including its `?`, or ''. */
  search: string;
}

/** What a handler knows about its request besides the request itself. */
export interface RouteRequest extends RequestTarget {
  /** The request's id (already on the response as `x-request-id`) and, once known, its client. */
  scope: RequestScope;
}

/** Answers one request; a rejection is answered with 500 by the server. */
export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  info: RouteRequest,
) => void | Promise<void>;

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
  /** Browser pages on the origins of `CORS_ORIGINS` may call it (preflights answered). */
  cors?: boolean;
  handle: RouteHandler;
}

/** Splits a request target (`/path?query`) into path and query string. */
export function requestTarget(url: string | undefined): RequestTarget {
  const target = url ?? '/';
  const queryAt = target.indexOf('?');
  return queryAt === -1
    ? { path: target, search: '' }
    : { path: target.slice(0, queryAt), search: target.slice(queryAt) };
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

/** The route as a metrics label: its path, `*` marking a prefix. */
export function routeLabel(route: Route | undefined): string {
  if (!route) return 'unmatched';
  return route.prefix ? `${route.path}*` : route.path;
}
