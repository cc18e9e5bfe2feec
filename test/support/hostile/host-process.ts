/**
 * The real `process`. Jest gives each test file a copy of `process` whose listeners Node never
 * calls (an `unhandledRejection` listener on it never fires): listen on this one instead.
 */
export function hostProcess(): NodeJS.Process {
  // Buffer comes from the host realm, so its Function constructor evaluates in the host's global scope.
  const HostFunction = (Buffer as unknown as { constructor: FunctionConstructor }).constructor;
  return HostFunction('return process')() as NodeJS.Process;
}
