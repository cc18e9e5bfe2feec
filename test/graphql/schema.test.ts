import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLInputObjectType, graphql } from 'graphql';
import { buildGatewaySchema } from '../../src/graphql/build-schema';
import { printGatewaySchema } from '../../src/graphql/print-schema';

describe('schema', () => {
  it('matches the committed schema.graphql (run `npm run schema:emit` after changing the code)', () => {
    const committed = readFileSync(join(__dirname, '../../schema.graphql'), 'utf8');
    expect(printGatewaySchema()).toBe(committed);
  });

  it('makes GenerateVideoInput a real oneOf input object', async () => {
    const schema = buildGatewaySchema();
    const input = schema.getType('GenerateVideoInput');
    expect(input).toBeInstanceOf(GraphQLInputObjectType);
    expect((input as GraphQLInputObjectType).isOneOf).toBe(true);
    expect(printGatewaySchema()).toMatch(/input GenerateVideoInput @oneOf \{/);
    const result = await graphql({
      schema,
      source:
        'mutation { generateVideo(input: { textToVideo: { prompt: "a" }, firstFrame: { image: "https://x.y/a.png" } }) { __typename } }',
    });
    expect(result.errors?.[0]?.message).toMatch(/must specify exactly one key/);
  });

  it('keeps the contract names', () => {
    const sdl = printGatewaySchema();
    for (const name of [
      'scalar DateTime',
      'scalar SafeInt',
      'interface Node',
      'interface Problem',
      'union GenerateVideoResult = GenerateVideoSuccess | InvalidInputError | UpstreamError | RateLimitedError',
      'enum AspectRatio',
      'enum VideoTaskStatus',
      'nearestFrameCount(seconds: Float!): FrameCount!',
      'node(id: ID!): Node',
      'videoTask(id: ID!): VideoTask',
      'type VideoTask implements Node',
      'type InvalidInputError implements Problem',
    ]) {
      expect(sdl).toContain(name);
    }
    const generateVideo = buildGatewaySchema().getMutationType()!.getFields()['generateVideo']!;
    expect(String(generateVideo.type)).toBe('GenerateVideoResult!');
    expect(generateVideo.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual([
      'idempotencyKey: String',
      'input: GenerateVideoInput!',
    ]);
  });
});
