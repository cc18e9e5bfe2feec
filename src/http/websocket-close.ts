/**
 * Close codes and reasons the gateway itself sends on graphql-ws sockets, besides those of
 * graphql-ws (4400 bad request, 4408 no `connection_init` in time, ...). 4403 is also what
 * graphql-ws sends when `onConnect` refuses a credential.
 */
export const WS_CLOSE = {
  /** The credential's token expired while the socket was open (graphql-ws refuses a bad one with 4403 too). */
  TOKEN_EXPIRED: { code: 4403, reason: 'token expired' },
  /** The client already has `WS_MAX_SOCKETS_PER_CLIENT` sockets open. */
  TOO_MANY_CONNECTIONS: { code: 4429, reason: 'too many connections for this client' },
  /** RFC 6455 1013 "try again later": the client reads too slowly (`WS_MAX_BUFFERED_BYTES`). */
  SLOW_CONSUMER: { code: 1013, reason: 'slow consumer' },
} as const;
