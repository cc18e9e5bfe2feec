/**
 * Fault injection: rules that replace (or delay) the simulator's answer on the API routes,
 * so tests can exercise the gateway's handling of 4xx/5xx, 429, slow answers, broken JSON
 * and dropped connections without depending on timing or luck.
 */
import { errorBody } from './error-codes';
import { assertNever, isOneOf } from './wire-values';

/** Which API route a rule applies to; `any` matches both. */
export type FaultRoute = 'create' | 'status' | 'any';
/** Every fault route, for validating rules. */
export const FAULT_ROUTES: readonly FaultRoute[] = ['create', 'status', 'any'];

/** An API route a request can actually be on. */
export type ApiRoute = Exclude<FaultRoute, 'any'>;

/**
 * A fault rule. Rules are consumed in the order they were added: a request takes the first
 * rule for its route (or `any`) and uses it up once; `times` (default 1) says how many
 * requests a rule affects.
 *
 * What the request gets:
 * - `delayMs` first waits (alone, it only delays the normal answer);
 * - `dropConnection` then destroys the socket without an answer;
 * - otherwise, when any of `status`, `body`, `errorCode`, `retryAfterSeconds`, `malformed`
 *   is set, a synthetic answer replaces the normal one:
 *   - status: `status`, else 429 with `retryAfterSeconds`, else 500 with `errorCode`, else 200;
 *   - body: `body` as JSON, else broken JSON with `malformed`, else the wire error envelope
 *     for status >= 400 or an `errorCode` (code `errorCode`, default 003004097), else `{}`;
 *   - `retryAfterSeconds` sets a `Retry-After` header.
 */
export interface FaultRule {
  route: FaultRoute;
  status?: number;
  /** Raw JSON to send as the body. */
  body?: unknown;
  errorCode?: string;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** Send a body that is not valid JSON. */
  malformed?: boolean;
  dropConnection?: boolean;
  times?: number;
}

/** A rule's effect on one request. */
export interface FaultPlan {
  delayMs: number;
  /** null: after the delay, answer normally. */
  answer: FaultAnswer | null;
}

/** The synthetic outcome of a faulted request. */
export type FaultAnswer =
  { kind: 'drop' } | { kind: 'respond'; status: number; headers: Record<string, string>; body: string };

/** A rule that cannot be applied (bad field, contradiction). */
export class FaultRuleError extends Error {
  override readonly name = 'FaultRuleError';
}

/** Broken on purpose: a truncated object, so JSON parsers fail rather than read a string. */
const MALFORMED_BODY = '{"id": "sim-malformed", "status": ';
const DEFAULT_FAULT_CODE = '003004097';
const MAX_DELAY_MS = 10 * 60 * 1000;

/** The queue of rules, shared by the in-process API and `/__simulator/faults`. */
export class FaultQueue {
  private readonly entries: Array<{ rule: FaultRule; remaining: number }> = [];

  /** Checks and appends a rule; throws {@link FaultRuleError} when it is invalid. */
  add(rule: FaultRule): void {
    const checked = parseFaultRule(rule);
    this.entries.push({ rule: checked, remaining: checked.times ?? 1 });
  }

  /** Removes every rule. */
  clear(): void {
    this.entries.length = 0;
  }

  /** Rules not yet used up, with `times` set to what remains. */
  pending(): FaultRule[] {
    return this.entries.map(({ rule, remaining }) => ({ ...rule, times: remaining }));
  }

  /** Uses up one application of the first rule for `route`, if any. */
  take(route: ApiRoute): FaultRule | undefined {
    const index = this.entries.findIndex((entry) => entry.rule.route === route || entry.rule.route === 'any');
    const entry = this.entries[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.entries.splice(index, 1);
    return entry.rule;
  }
}

/** What a rule does to one request. */
export function planFault(rule: FaultRule): FaultPlan {
  const delayMs = rule.delayMs ?? 0;
  if (rule.dropConnection) return { delayMs, answer: { kind: 'drop' } };
  const status = answerStatus(rule);
  if (status === null) return { delayMs, answer: null };
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
  return { delayMs, answer: { kind: 'respond', status, headers, body: answerBody(rule, status) } };
}

function answerStatus(rule: FaultRule): number | null {
  if (rule.status !== undefined) return rule.status;
  if (rule.retryAfterSeconds !== undefined) return 429;
  if (rule.errorCode !== undefined) return 500;
  if (rule.malformed || rule.body !== undefined) return 200;
  return null;
}

function answerBody(rule: FaultRule, status: number): string {
  if (rule.body !== undefined) return JSON.stringify(rule.body);
  if (rule.malformed) return MALFORMED_BODY;
  if (status >= 400 || rule.errorCode !== undefined) {
    return JSON.stringify(errorBody(rule.errorCode ?? DEFAULT_FAULT_CODE, `Simulated fault (HTTP ${status})`));
  }
  return '{}';
}

const RULE_KEYS: ReadonlySet<string> = new Set([
  'route',
  'status',
  'body',
  'errorCode',
  'retryAfterSeconds',
  'delayMs',
  'malformed',
  'dropConnection',
  'times',
]);

/** Checks an untrusted value (e.g. from `POST /__simulator/faults`) and returns it as a rule. */
export function parseFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FaultRuleError('a fault rule must be an object');
  const raw = value as Record<string, unknown>;
  const unknownKey = Object.keys(raw).find((key) => !RULE_KEYS.has(key));
  if (unknownKey !== undefined) throw new FaultRuleError(`unknown fault field "${unknownKey}"`);
  if (!isOneOf(FAULT_ROUTES, raw['route'])) throw new FaultRuleError(`route must be one of ${FAULT_ROUTES.join(', ')}`);
  const rule: FaultRule = { route: raw['route'] };
  for (const key of RULE_KEYS) {
    const field = key as keyof FaultRule;
    if (field === 'route' || raw[field] === undefined) continue;
    assignField(rule, field, raw[field]);
  }
  if (
    rule.dropConnection &&
    (rule.status !== undefined || rule.body !== undefined || rule.malformed || rule.errorCode !== undefined)
  ) {
    throw new FaultRuleError(
      'dropConnection sends no answer, so it cannot be combined with status, body, errorCode or malformed',
    );
  }
  if (rule.malformed && rule.body !== undefined) throw new FaultRuleError('malformed and body are exclusive');
  const effects = [
    rule.status,
    rule.body,
    rule.errorCode,
    rule.retryAfterSeconds,
    rule.delayMs,
    rule.malformed || undefined,
    rule.dropConnection || undefined,
  ];
  if (effects.every((effect) => effect === undefined))
    throw new FaultRuleError(
      'the rule has no effect; set status, body, errorCode, retryAfterSeconds, delayMs, malformed or dropConnection',
    );
  return rule;
}

function assignField(rule: FaultRule, field: Exclude<keyof FaultRule, 'route'>, value: unknown): void {
  const integer = (min: number, max: number): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new FaultRuleError(`${field} must be an integer from ${min} to ${max}`);
    }
    return value;
  };
  const flag = (): boolean => {
    if (typeof value !== 'boolean') throw new FaultRuleError(`${field} must be a boolean`);
    return value;
  };
  switch (field) {
    case 'status':
      rule.status = integer(200, 599);
      return;
    case 'body': {
      let json: string | undefined;
      try {
        json = JSON.stringify(value);
      } catch {
        json = undefined;
      }
      if (json === undefined) throw new FaultRuleError('body must be JSON-serialisable');
      rule.body = value;
      return;
    }
    case 'errorCode':
      if (typeof value !== 'string' || value === '') throw new FaultRuleError('errorCode must be a non-empty string');
      rule.errorCode = value;
      return;
    case 'retryAfterSeconds':
      rule.retryAfterSeconds = integer(0, 86_400);
      return;
    case 'delayMs':
      rule.delayMs = integer(0, MAX_DELAY_MS);
      return;
    case 'malformed':
      rule.malformed = flag();
      return;
    case 'dropConnection':
      rule.dropConnection = flag();
      return;
    case 'times':
      rule.times = integer(1, 1_000_000);
      return;
    default:
      assertNever(field);
  }
}
