import { Ctx, Query, Resolver } from 'type-graphql';
import type { UnreconciledCreate as UnreconciledCreateRecord } from '../../services/unreconciled-creates-service';
import type { GatewayContext } from '../context';
import { toQueryGraphQLError } from '../query-errors';
import type { GatewayServices } from '../services';
import { UnreconciledCreate } from '../types/unreconciled-create.type';

/** `unreconciledCreates`: thin over `UnreconciledCreatesService` (admins only). */
@Resolver()
export class UnreconciledCreatesResolver {
  constructor(private readonly services: GatewayServices) {}

  @Query(() => [UnreconciledCreate], {
    description:
      'Admin only: creates whose outcome is unknown (no answer said whether the upstream accepted them; ' +
      'they may be billed), oldest first. An upstream callback naming one resolves it.',
  })
  async unreconciledCreates(@Ctx() { viewer }: GatewayContext): Promise<UnreconciledCreateRecord[]> {
    try {
      return await this.services.unreconciledCreates.list(viewer);
    } catch (error) {
      throw toQueryGraphQLError(error);
    }
  }
}
