/** GraphQL shapes of the SQL surface's answers. */
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../graphql/connection.js';

@ObjectType('SqlColumn', { description: 'A result column: its name and PostgreSQL type (bigint, double precision, text, boolean, date, timestamp with time zone, numeric, text[] …)' })
export class SqlColumn {
  @Field(() => String) name: string;
  @Field(() => String) type: string;
}

@ObjectType('SqlDatasetVersion', { description: 'A dataset version a query read' })
export class SqlDatasetVersion {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Int, { description: 'The version number (the latest when the query named none)' }) version: number;
}

@ObjectType('SqlResult', { description: 'One page of a SQL query’s result; each row is a JSON array in `columns` order' })
export class SqlResult {
  @Field(() => String, { description: 'The kind of statement: SELECT, CREATE_MODEL, ML_TRAINING_INFO, ML_PREDICT or ML_EVALUATE' }) statement: string;
  @Field(() => [SqlColumn]) columns: SqlColumn[];
  @Field(() => [GraphQLJSON]) rows: unknown[][];
  @Field(() => Int, { description: 'Rows in the whole result (at most AIMASS_SQL_MAX_ROWS)' }) totalCount: number;
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => [SqlDatasetVersion]) datasets: SqlDatasetVersion[];
}
