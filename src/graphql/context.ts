/** Who is calling: resolved from the bearer credential before any resolver runs. */
export interface Viewer {
  clientId: string;
  admin: boolean;
}

/** Per-request GraphQL context (HTTP and WebSocket alike). */
export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
}
