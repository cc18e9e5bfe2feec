/** Message types only a graphql-ws server sends (`graphql-transport-ws`). */
const SERVER_ONLY_TYPES: ReadonlySet<unknown> = new Set(['connection_ack', 'next', 'error']);

/**
 * graphql-ws' `jsonMessageReviver` for the server: refuses a client message of a server-only
 * type. graphql-ws accepts such a message as well formed, then throws on it, which logs a
 * stack trace and closes the socket with 4500 Internal Error; a reviver that throws makes it
 * an invalid message instead (4400 Bad Request), which is what it is.
 *
 * JSON.parse calls a reviver bottom-up with the key `''` last, for the whole message. (An
 * object nested under an empty key would be checked too; no message of the protocol has one
 * that is a server message, so nothing legitimate is refused.)
 */
export function refuseServerOnlyMessages(key: string, value: unknown): unknown {
  if (
    key === '' &&
    typeof value === 'object' &&
    value !== null &&
    SERVER_ONLY_TYPES.has((value as { type?: unknown }).type)
  ) {
    throw new SyntaxError('a client may not send this message type');
  }
  return value;
}
