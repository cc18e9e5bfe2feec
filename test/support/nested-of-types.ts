/** `ofType { ... { name } }` nested `levels` times: a `__Type` selection as deep as a test needs. */
export function nestedOfTypes(levels: number): string {
  let inner = 'name';
  for (let i = 0; i < levels; i++) inner = `ofType { ${inner} }`;
  return inner;
}
