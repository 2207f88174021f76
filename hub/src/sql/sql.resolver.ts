import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { toSqlResult } from './sql-result.js';
import { SqlResult } from './sql.types.js';

@Resolver()
export class SqlResolver {
  /** A mutation because CREATE MODEL starts a job; SELECTs change nothing but usage counts. */
  @Authorized()
  @Mutation(() => SqlResult, {
    description:
      'Runs one SQL statement over the datasets you can read (SELECT …, sandboxed) and returns a page of rows. ' +
      'Name datasets owner.dataset or owner.dataset@3. CREATE MODEL … AS SELECT starts a training job and answers it (job_id, status, model, label, features, rows); ' +
      'ML.TRAINING_INFO answers a model’s epochs; ML.PREDICT / ML.EVALUATE run as jobs on agents and answer their rows (or, after AIMASS_ML_WAIT_MS, the job: see sqlJobResult). ' +
      'Errors say the line and column (extensions.fields[0].line / column).',
  })
  async runSql(
    @Arg('query', () => String) query: string,
    @Arg('first', () => Int, { nullable: true, description: 'Rows per page, 1–1000 (default 100)' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page (same query)' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<SqlResult> {
    return toSqlResult(await ctx.services.sql.run(ctx.principal!, query, { first, after }), Boolean(after));
  }
}
