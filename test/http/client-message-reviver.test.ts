import { refuseServerOnlyMessages } from '../../src/http/client-message-reviver';

describe('refuseServerOnlyMessages', () => {
  const parse = (text: string): unknown => JSON.parse(text, refuseServerOnlyMessages);

  it.each(['connection_ack', 'next', 'error'])('refuses a client message of the server-only type %s', (type) => {
    expect(() => parse(JSON.stringify({ type, id: '1', payload: {} }))).toThrow(SyntaxError);
  });

  it.each([
    { type: 'connection_init', payload: { authorization: 'Bearer k' } },
    { type: 'subscribe', id: '1', payload: { query: '{ __typename }', variables: { type: 'next' } } },
    { type: 'complete', id: '1' },
    { type: 'ping' },
    { type: 'pong' },
  ])('passes a client message through unchanged: $type', (message) => {
    expect(parse(JSON.stringify(message))).toEqual(message);
  });
});
