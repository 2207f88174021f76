import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { SqlResult } from '../sql/index.js';
import { jobResultPage } from './ml-job-result.js';

@Resolver()
export class MlResolver {
  @Authorized()
  @Query(() => SqlResult, {
    description:
      'The result of an ML.PREDICT or ML.EVALUATE job that runSql answered with its job id and status (it took longer than AIMASS_ML_WAIT_MS): ' +
      'while the job runs, one row (job_id, status, model, rows, error); once it succeeded, its rows, paged like runSql. NOT_FOUND for a job you may not see.',
  })
  sqlJobResult(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('first', () => Int, { nullable: true, description: 'Rows per page, 1–1000 (default 100)' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<SqlResult> {
    return jobResultPage(ctx.services.ml, ctx.principal!, jobId, first, after);
  }
}
