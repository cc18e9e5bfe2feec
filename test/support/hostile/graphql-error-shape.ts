import { isObject } from './plain-object';

/** A GraphQL error list as the spec has it: non-empty, each an object with a string message. */
export function isErrorList(errors: unknown): errors is Array<{ message: string; extensions?: { code?: unknown } }> {
  return (
    Array.isArray(errors) && errors.length > 0 && errors.every((e) => isObject(e) && typeof e.message === 'string')
  );
}

/** Whether an error list holds the code that means an unexpected exception reached the client (masked or not). */
export const hasInternalError = (errors: unknown): boolean =>
  Array.isArray(errors) &&
  errors.some((e) => isObject(e) && isObject(e.extensions) && e.extensions.code === 'INTERNAL_SERVER_ERROR');
