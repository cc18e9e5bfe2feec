import { GraphQLError, type ExecutionResult } from 'graphql';
import { maskExecutionResult } from '../../src/http/error-masking';
import { createLogger } from '../../src/logger';

describe('maskExecutionResult (graphql-ws path, production)', () => {
  const logger = createLogger('silent');

  it('keeps errors about the request itself and calls them BAD_USER_INPUT', () => {
    const result: ExecutionResult = {
      errors: [new GraphQLError('Variable "$s" of required type "Float!" was not provided.')],
    };
    const masked = maskExecutionResult(result, logger);
    expect(masked.errors?.[0]?.message).toBe('Variable "$s" of required type "Float!" was not provided.');
    expect(masked.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('masks what was thrown underneath, also when there is no data', () => {
    const thrown = new GraphQLError('store unreachable at /var/lib/x', {
      path: ['videoTaskUpdated'],
      originalError: new Error('store unreachable at /var/lib/x'),
    });
    for (const result of [{ errors: [thrown] }, { data: null, errors: [thrown] }] as ExecutionResult[]) {
      const masked = maskExecutionResult(result, logger);
      expect(masked.errors?.[0]?.message).toBe('Internal server error');
      expect(masked.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    }
  });

  it('passes errors that carry their own code', () => {
    const result: ExecutionResult = {
      errors: [new GraphQLError('No such task for this client.', { extensions: { code: 'NOT_FOUND' } })],
    };
    expect(maskExecutionResult(result, logger)).toBe(result);
  });
});
