/** The simulator's URL space, matched into a closed set of routes. */
import { isOneOf } from './wire-values';

/** A task control action reachable over HTTP. */
export type ControlAction = 'complete' | 'fail' | 'expire' | 'status';
const CONTROL_ACTIONS: readonly ControlAction[] = ['complete', 'fail', 'expire', 'status'];

/** A matched route; `allowed` lists the methods it answers. */
export type Route =
  | { kind: 'create' }
  | { kind: 'status'; taskId: string }
  | { kind: 'file'; taskId: string; file: 'video' | 'last_frame' }
  | { kind: 'faults' }
  | { kind: 'stats' }
  | { kind: 'control'; taskId: string; action: ControlAction }
  | { kind: 'not_found' };

/** Methods each route kind answers. */
export function allowedMethods(route: Route): readonly string[] {
  switch (route.kind) {
    case 'create':
      return ['POST'];
    case 'status':
      return ['GET'];
    case 'file':
      return ['GET', 'HEAD'];
    case 'faults':
      return ['GET', 'POST', 'DELETE'];
    case 'stats':
      return ['GET', 'DELETE'];
    case 'control':
      return ['POST'];
    case 'not_found':
      return [];
    default: {
      const unreachable: never = route;
      return unreachable;
    }
  }
}

const STATUS_PATH = /^\/v1\/video\/generations\/([^/]+)$/;
const FILE_PATH = /^\/files\/([^/]+?)(-last\.png|\.mp4)$/;
const CONTROL_PATH = /^\/__simulator\/tasks\/([^/]+)\/([a-z]+)$/;

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Matches a request path (without query string). */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/v1/video/generations') return { kind: 'create' };
  if (path === '/__simulator/faults') return { kind: 'faults' };
  if (path === '/__simulator/stats') return { kind: 'stats' };
  const status = STATUS_PATH.exec(path);
  if (status?.[1] !== undefined) {
    const taskId = decode(status[1]);
    return taskId === undefined ? { kind: 'not_found' } : { kind: 'status', taskId };
  }
  const file = FILE_PATH.exec(path);
  if (file?.[1] !== undefined) {
    const taskId = decode(file[1]);
    return taskId === undefined
      ? { kind: 'not_found' }
      : { kind: 'file', taskId, file: file[2] === '.mp4' ? 'video' : 'last_frame' };
  }
  const control = CONTROL_PATH.exec(path);
  if (control?.[1] !== undefined) {
    const taskId = decode(control[1]);
    const action = control[2];
    if (taskId !== undefined && isOneOf(CONTROL_ACTIONS, action)) return { kind: 'control', taskId, action };
  }
  return { kind: 'not_found' };
}
