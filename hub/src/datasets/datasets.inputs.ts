import { Field, InputType, registerEnumType } from 'type-graphql';
import { DatasetVisibility } from './dataset.entity.js';

@InputType()
export class CreateDatasetInput {
  @Field(() => String, { nullable: true, description: 'User or organization handle that will own it; default: you' })
  owner?: string | null;

  @Field(() => String, { description: '1–100 letters, digits, ".", "_" or "-", starting with a letter or digit; unique per owner' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Markdown' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'SPDX id or custom license text' })
  license?: string | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;

  @Field(() => DatasetVisibility, { nullable: true, description: 'Default PUBLIC' })
  visibility?: DatasetVisibility | null;
}

@InputType()
export class UpdateDatasetInput {
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) license?: string | null;
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
  @Field(() => DatasetVisibility, { nullable: true }) visibility?: DatasetVisibility | null;
}

export enum RowFilterOp {
  EQ = 'EQ',
  NE = 'NE',
  LT = 'LT',
  LE = 'LE',
  GT = 'GT',
  GE = 'GE',
  IS_NULL = 'IS_NULL',
  NOT_NULL = 'NOT_NULL',
  CONTAINS = 'CONTAINS',
}
registerEnumType(RowFilterOp, { name: 'RowFilterOp', description: 'CONTAINS: case-insensitive substring of the value as text' });

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType()
export class RowFilter {
  @Field(() => String, { description: 'A column name (DatasetColumn.name)' }) column: string;
  @Field(() => RowFilterOp) op: RowFilterOp;
  @Field(() => String, { nullable: true, description: 'Parsed as the column type; not used by IS_NULL / NOT_NULL' }) value?: string | null;
}

@InputType({ description: 'A small version given inline (the GraphQL body limit applies); larger files go to the upload URL' })
export class InlineVersionInput {
  @Field(() => String, { description: 'The file’s text: CSV, TSV or JSON Lines' }) data: string;
  @Field(() => String, { nullable: true, description: 'csv (default), tsv or jsonl' }) format?: string | null;
  @Field(() => String, { nullable: true, description: 'CSV only: , ; | or tab; sniffed when absent' }) delimiter?: string | null;
  @Field(() => [String], { nullable: true, description: 'Cells that mean NULL, replacing the defaults' }) nullTokens?: string[] | null;
  @Field(() => String, { nullable: true, description: 'reject (default) or pad' }) raggedRows?: string | null;
  @Field(() => String, { nullable: true, description: 'Decimal mark: point (default) or comma' }) decimal?: string | null;
  @Field(() => String, { nullable: true, description: 'Thousands separator: none (default), comma, point, space or apostrophe' }) thousands?: string | null;
  @Field(() => String, { nullable: true, description: 'Day/month/year order of dates like 31/12/2024: YMD (default), DMY or MDY' }) dateOrder?: string | null;
}
