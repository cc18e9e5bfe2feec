/**
 * HTTP routing of the simulator: the two Spark Dance endpoints (behind the API key and the
 * fault rules), fake result files, and the `/__simulator` test endpoints (neither).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorControl } from './control';
import { SIMULATOR_ONLY_CODES, serviceProblemCode } from './error-codes';
import { planFault, FaultRuleError, parseFaultRule, type ApiRoute, type FaultQueue } from './faults';
import { readBody, sendError, sendJson, sendRaw } from './http-io';
import type { SimulatorLogger } from './logger';
import { allowedMethods, matchRoute, type ControlAction, type Route } from './routes';
import type { StatsRecorder } from './stats';
import type { CallbackNotifier } from './callbacks';
import { SIM_TASK_ID, UnknownTaskError, type TaskBook } from './task-book';
import type { SampleMedia } from './sample-media';
import { renderCreated, renderTask } from './task-view';
import type { TimerSet } from './timers';
import { validateCreateBody } from './wire-validation';
import { SIM_TASK_STATUSES, assertNever, isOneOf } from './wire-values';

/** What the request listener works with. */
export interface ServerContext {
  book: TaskBook;
  faults: FaultQueue;
  stats: StatsRecorder;
  control: SimulatorControl;
  notifier: CallbackNotifier;
  timers: TimerSet;
  logger?: SimulatorLogger;
  /** When set, the API routes require `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  maxBodyBytes: number;
  /** Base of result file URLs: the simulator's own URL, or a public base that reaches its `/files`. */
  filesBaseUrl: () => string;
  media: SampleMedia;
}

/** Control bodies are tiny; the API limit is for base64 images only. */
const MAX_CONTROL_BODY_BYTES = 1024 * 1024;

/** Builds the `request` listener of the simulator's HTTP server. */
export function createRequestListener(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const keyDigest = ctx.apiKey === undefined ? undefined : digest(ctx.apiKey);

  const authorized = (req: IncomingMessage): boolean => {
    if (keyDigest === undefined) return true;
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    // Digests have equal length, so the comparison is constant-time whatever was sent.
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), keyDigest);
  };

  const refuseUnauthorized = (res: ServerResponse): void =>
    sendError(
      res,
      401,
      SIMULATOR_ONLY_CODES.unauthorized,
      'Missing or invalid API key: send "Authorization: Bearer <API key>"',
      {
        'www-authenticate': 'Bearer',
      },
    );

  /** Applies the next fault rule for the route; true when the fault answered (or dropped) the request. */
  const applyFault = async (route: ApiRoute, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const rule = ctx.faults.take(route);
    if (!rule) return false;
    const plan = planFault(rule);
    if (plan.delayMs > 0) await ctx.timers.delay(plan.delayMs);
    // The client may have given up during the delay; a real server would carry on regardless.
    const answer = plan.answer;
    if (answer === null) return false;
    switch (answer.kind) {
      case 'drop':
        req.socket.destroy();
        return true;
      case 'respond':
        sendRaw(res, answer.status, 'application/json; charset=utf-8', answer.body, answer.headers);
        return true;
      default:
        return assertNever(answer);
    }
  };

  const handleCreate = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    ctx.stats.recordCreate();
    const body = await readBody(req, ctx.maxBodyBytes);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too_large') {
      sendError(res, 413, SIMULATOR_ONLY_CODES.payloadTooLarge, `request body exceeds ${ctx.maxBodyBytes} bytes`, {
        connection: 'close',
      });
      return;
    }
    if (await applyFault('create', req, res)) return;
    if (!authorized(req)) return refuseUnauthorized(res);
    let json: unknown;
    try {
      json = JSON.parse(body.text);
    } catch {
      return sendError(res, 400, '003004002', 'request body is not valid JSON');
    }
    const validation = validateCreateBody(json);
    if (!validation.ok) {
      ctx.logger?.debug?.(
        { code: validation.rejection.code, reason: validation.rejection.message },
        'simulator refused a create',
      );
      return sendError(res, validation.rejection.httpStatus, validation.rejection.code, validation.rejection.message);
    }
    const task = ctx.book.create(validation.request);
    ctx.notifier.track(task);
    ctx.logger?.debug?.(
      { taskId: task.id, model: task.request.model, mode: task.request.mode, marker: task.marker },
      'simulator created a task',
    );
    sendJson(res, 200, renderCreated(task, ctx.book.state(task)));
  };

  const handleStatus = async (taskId: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    ctx.stats.recordStatusRead(taskId);
    if (await applyFault('status', req, res)) return;
    if (!authorized(req)) return refuseUnauthorized(res);
    const task = ctx.book.get(taskId);
    if (!task)
      return sendError(
        res,
        404,
        serviceProblemCode('t2v', 'status_check'),
        `no task with id ${JSON.stringify(taskId)}`,
      );
    sendJson(res, 200, renderTask(task, ctx.book.state(task), ctx.filesBaseUrl()));
  };

  const handleFile = (route: Extract<Route, { kind: 'file' }>, res: ServerResponse, head: boolean): void => {
    const task = ctx.book.get(route.taskId);
    // A task of an earlier run (the simulator keeps tasks in memory) had the same files: its
    // URLs stay valid across restarts. A known task has them only once completed.
    const exists =
      task === undefined
        ? SIM_TASK_ID.test(route.taskId)
        : ctx.book.state(task).status === 'completed' && (route.file === 'video' || task.request.returnLastFrame);
    if (!exists) return sendError(res, 404, SIMULATOR_ONLY_CODES.notFound, 'no such file');
    const [type, bytes] = route.file === 'video' ? ['video/mp4', ctx.media.video] : ['image/png', ctx.media.lastFrame];
    const headers = { 'cache-control': 'public, max-age=86400, immutable' };
    if (head) {
      res.writeHead(200, { 'content-type': type, 'content-length': bytes.length, ...headers });
      res.end();
      return;
    }
    sendRaw(res, 200, type, bytes, headers);
  };

  const readControlJson = async (
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ ok: true; value: unknown } | { ok: false }> => {
    const body = await readBody(req, MAX_CONTROL_BODY_BYTES);
    if (body.kind === 'aborted') return { ok: false };
    if (body.kind === 'too_large') {
      sendError(res, 413, SIMULATOR_ONLY_CODES.payloadTooLarge, 'control body too large', { connection: 'close' });
      return { ok: false };
    }
    if (body.text.trim() === '') return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(body.text) as unknown };
    } catch {
      sendError(res, 400, SIMULATOR_ONLY_CODES.badControlRequest, 'body is not valid JSON');
      return { ok: false };
    }
  };

  const handleFaults = async (method: string, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (method === 'GET') return sendJson(res, 200, { faults: ctx.faults.pending() });
    if (method === 'DELETE') {
      ctx.faults.clear();
      return sendJson(res, 200, { faults: [] });
    }
    const body = await readControlJson(req, res);
    if (!body.ok) return;
    try {
      // A list is added atomically: all rules or none.
      const rules = (Array.isArray(body.value) ? body.value : [body.value]).map(parseFaultRule);
      for (const rule of rules) ctx.faults.add(rule);
    } catch (error) {
      if (error instanceof FaultRuleError)
        return sendError(res, 400, SIMULATOR_ONLY_CODES.badControlRequest, error.message);
      throw error;
    }
    sendJson(res, 201, { faults: ctx.faults.pending() });
  };

  const handleStats = (method: string, res: ServerResponse): void => {
    if (method === 'DELETE') ctx.stats.reset();
    sendJson(res, 200, ctx.stats.snapshot());
  };

  const handleControl = async (
    taskId: string,
    action: ControlAction,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const body = await readControlJson(req, res);
    if (!body.ok) return;
    const fields = typeof body.value === 'object' && body.value !== null ? (body.value as Record<string, unknown>) : {};
    const text = (name: string): string | undefined =>
      typeof fields[name] === 'string' ? (fields[name] as string) : undefined;
    try {
      switch (action) {
        case 'complete':
          return sendJson(res, 200, ctx.control.complete(taskId));
        case 'fail':
          return sendJson(res, 200, ctx.control.fail(taskId, text('code'), text('message')));
        case 'expire':
          return sendJson(res, 200, ctx.control.expire(taskId));
        case 'status': {
          const status = fields['status'];
          if (!isOneOf(SIM_TASK_STATUSES, status)) {
            return sendError(
              res,
              400,
              SIMULATOR_ONLY_CODES.badControlRequest,
              `status must be one of ${SIM_TASK_STATUSES.join(', ')}`,
            );
          }
          return sendJson(res, 200, ctx.control.setStatus(taskId, status));
        }
        default:
          return assertNever(action);
      }
    } catch (error) {
      if (error instanceof UnknownTaskError) return sendError(res, 404, SIMULATOR_ONLY_CODES.notFound, error.message);
      throw error;
    }
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://simulator.invalid').pathname;
    } catch {
      req.resume();
      return sendError(res, 400, SIMULATOR_ONLY_CODES.badRequest, 'unparseable request target');
    }
    const route = matchRoute(pathname);
    if (route.kind === 'not_found')
      return sendError(res, 404, SIMULATOR_ONLY_CODES.notFound, `no route for ${method} ${req.url ?? ''}`);
    const allowed = allowedMethods(route);
    if (!allowed.includes(method)) {
      req.resume();
      return sendError(res, 405, SIMULATOR_ONLY_CODES.methodNotAllowed, `${method} is not allowed here`, {
        allow: allowed.join(', '),
      });
    }
    switch (route.kind) {
      case 'create':
        return handleCreate(req, res);
      case 'status':
        return handleStatus(route.taskId, req, res);
      case 'file':
        return handleFile(route, res, method === 'HEAD');
      case 'faults':
        return handleFaults(method, req, res);
      case 'stats':
        return handleStats(method, res);
      case 'control':
        return handleControl(route.taskId, route.action, req, res);
      default:
        return assertNever(route);
    }
  };

  return (req, res) => {
    // A response whose socket died must not raise an unhandled 'error'.
    res.on('error', () => undefined);
    dispatch(req, res).catch((error: unknown) => {
      ctx.logger?.warn(
        { err: error instanceof Error ? error.message : String(error), url: req.url },
        'simulator request failed',
      );
      if (!res.headersSent) sendError(res, 500, SIMULATOR_ONLY_CODES.internal, 'internal simulator error');
      else res.destroy();
    });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
