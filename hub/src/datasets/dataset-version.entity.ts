import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a column holds, inferred at upload. categorical and text are both stored as SQL text. */
export enum ColumnType {
  INTEGER = 'integer',
  FLOAT = 'float',
  BOOLEAN = 'boolean',
  DATE = 'date',
  TIMESTAMP = 'timestamp',
  CATEGORICAL = 'categorical',
  TEXT = 'text',
}
registerEnumType(ColumnType, { name: 'DatasetColumnType' });

export const SQL_TYPES: Record<ColumnType, string> = {
  [ColumnType.INTEGER]: 'bigint',
  [ColumnType.FLOAT]: 'double precision',
  [ColumnType.BOOLEAN]: 'boolean',
  [ColumnType.DATE]: 'date',
  [ColumnType.TIMESTAMP]: 'timestamptz',
  [ColumnType.CATEGORICAL]: 'text',
  [ColumnType.TEXT]: 'text',
};

export const NUMERIC_TYPES: ReadonlySet<ColumnType> = new Set([ColumnType.INTEGER, ColumnType.FLOAT]);

@ObjectType('DatasetColumn')
export class DatasetColumn {
  @Field(() => String, { description: 'SQL-safe, unique, lower snake case: the name in the table' })
  name: string;

  @Field(() => String, { description: 'The header as uploaded (trimmed)' })
  originalName: string;

  @Field(() => ColumnType)
  type: ColumnType;
}

@ObjectType('DatasetVersion', { description: 'One immutable upload of a dataset, stored as a typed table' })
@Entity('dataset_versions')
export class DatasetVersion {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  number: number;

  /** `datasets.v_<hex>`, generated from the version id; never shown to clients. */
  @Column({ name: 'table_name', type: 'text' })
  tableName: string;

  @Field(() => String)
  @Column({ type: 'text', default: 'ready' })
  status: string;

  @Field(() => Float, { description: 'Rows stored' })
  @Column({ name: 'row_count', type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  rowCount: number;

  @Field(() => [DatasetColumn])
  @Column({ type: 'jsonb' })
  columns: DatasetColumn[];

  @Field(() => GraphQLJSON, { description: 'What the upload cleaned: encoding, delimiter, nulls, bad cells per column, ragged rows' })
  @Column({ name: 'ingest_report', type: 'jsonb' })
  ingestReport: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Exploration statistics computed in SQL after the load' })
  @Column({ type: 'jsonb', nullable: true })
  profile: unknown;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @Field(() => Date)
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
