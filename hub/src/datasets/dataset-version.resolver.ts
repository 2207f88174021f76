import { GraphQLJSON } from 'graphql-scalars';
import { Readable } from 'node:stream';
import { Arg, Authorized, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ANYONE } from '../graphql/auth-checker.js';
import { User } from '../accounts/index.js';
import type { Context } from '../graphql/context.js';
import { PageInfo } from '../graphql/connection.js';
import { DatasetVersion } from './dataset-version.entity.js';
import { InlineVersionInput, RowFilter, SortDirection } from './datasets.inputs.js';

@ObjectType('DatasetRows', { description: 'One page of a version’s rows; each row is a JSON array in `columns` order' })
export class DatasetRows {
  @Field(() => [String]) columns: string[];
  @Field(() => [GraphQLJSON]) rows: unknown[][];
  @Field(() => Int, { description: 'Rows matching the filters' }) totalCount: number;
  @Field(() => PageInfo) pageInfo: PageInfo;
}

@Resolver(() => DatasetVersion)
export class DatasetVersionResolver {
  @Authorized(ANYONE)
  @Query(() => DatasetVersion, { description: 'A version of owner/name; the latest when number is omitted' })
  datasetVersion(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('number', () => Int, { nullable: true }) number: number | null,
    @Ctx() ctx: Context,
  ): Promise<DatasetVersion> {
    return ctx.services.datasets.version(ctx.principal, owner, name, number ?? null);
  }

  @Authorized()
  @Mutation(() => DatasetVersion, {
    description: 'Add a version from data given inline: the same cleaning, typing, report and profile as the upload URL',
  })
  addDatasetVersion(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => InlineVersionInput) input: InlineVersionInput,
    @Ctx() ctx: Context,
  ): Promise<DatasetVersion> {
    const bytes = Buffer.from(input.data, 'utf8');
    return ctx.services.datasets.upload(
      ctx.principal!,
      owner,
      name,
      Readable.from([bytes]),
      { format: input.format ?? undefined, delimiter: input.delimiter ?? undefined, nullTokens: input.nullTokens?.join(','), raggedRows: input.raggedRows ?? undefined, decimal: input.decimal ?? undefined, thousands: input.thousands ?? undefined, dateOrder: input.dateOrder ?? undefined },
      bytes.length,
    );
  }

  @FieldResolver(() => DatasetRows, { description: 'Rows, ordered by a column (NULLs last) then upload order, filtered' })
  async rows(
    @Root() version: DatasetVersion,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('orderBy', () => String, { nullable: true, description: 'A column name' }) orderBy: string | null,
    @Arg('direction', () => SortDirection, { nullable: true }) direction: SortDirection | null,
    @Arg('filters', () => [RowFilter], { nullable: true, description: 'All must hold' }) filters: RowFilter[] | null,
  ): Promise<DatasetRows> {
    const page = await ctx.services.datasets.rows(version, { first, after, orderBy, direction, filters });
    return {
      columns: page.columns,
      rows: page.rows,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(after), startCursor: null, endCursor: page.endCursor },
    };
  }

  @FieldResolver(() => GraphQLJSON, {
    description:
      'One-way ANOVA of each numeric column against groupBy (a categorical, text, boolean, integer or date column): ' +
      '[{ column, groups, n, f, pValue, dfBetween, dfWithin, groupStats: [{ group, n, mean }] }]',
  })
  anova(@Root() version: DatasetVersion, @Arg('groupBy', () => String) groupBy: string, @Ctx() ctx: Context): Promise<unknown> {
    return ctx.services.datasets.anova(version, groupBy);
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() version: DatasetVersion, @Ctx() ctx: Context): Promise<User | null> {
    return version.createdBy ? ctx.loaders.user.load(version.createdBy) : Promise.resolve(null);
  }
}
