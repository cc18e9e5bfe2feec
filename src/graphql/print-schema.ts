import { printSchema } from 'graphql';
import { buildGatewaySchema } from './build-schema';

/** The SDL committed as `schema.graphql`; a test compares it with this function's output. */
export function printGatewaySchema(): string {
  return `${printSchema(buildGatewaySchema())}\n`;
}
