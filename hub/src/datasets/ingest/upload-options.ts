/**
 * An upload's options from its query string (format, delimiter, null tokens, ragged rows, number
 * format, date order), checked — each bad one named in the error — with the configured limits.
 */
import type { Config } from '../../config.js';
import { checks } from '../../validation/checks.js';
import { DEFAULT_NULL_TOKENS, type NumberFormat } from './cells.js';
import type { IngestOptions, RaggedPolicy, UploadFormat } from './ingest.js';

/** Raw upload options, as they arrive in the query string. */
export interface UploadQuery {
  format?: unknown;
  delimiter?: unknown;
  nullTokens?: unknown;
  raggedRows?: unknown;
  decimal?: unknown;
  thousands?: unknown;
  dateOrder?: unknown;
}

export function parseUploadOptions(query: UploadQuery, limits: Config['datasets']): IngestOptions {
  const c = checks();
  const one = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : undefined);
  const format = (one(query.format) ?? 'csv') as UploadFormat;
  if (!['csv', 'tsv', 'jsonl', 'parquet'].includes(format)) c.add('format', 'must be csv, tsv, jsonl or parquet');
  const ragged = (one(query.raggedRows) ?? 'reject') as RaggedPolicy;
  if (!['reject', 'pad'].includes(ragged)) c.add('raggedRows', 'must be reject or pad');
  let delimiter = one(query.delimiter);
  if (delimiter === 'tab' || delimiter === '\\t') delimiter = '\t';
  if (delimiter !== undefined && ![',', ';', '\t', '|'].includes(delimiter)) c.add('delimiter', 'must be one of , ; | or tab');
  if (delimiter !== undefined && format !== 'csv') c.add('delimiter', 'applies to format=csv only');
  const rawTokens = one(query.nullTokens);
  const nullTokens = rawTokens === undefined ? DEFAULT_NULL_TOKENS : ['', ...rawTokens.split(',').map((t) => t.trim()).filter(Boolean)];
  if (nullTokens.length > 50 || nullTokens.some((t) => t.length > 50)) c.add('nullTokens', 'at most 50 tokens of at most 50 characters');
  const DECIMAL: Record<string, NumberFormat['decimal']> = { point: '.', comma: ',' };
  const THOUSANDS: Record<string, NumberFormat['thousands']> = { none: '', comma: ',', point: '.', space: ' ', apostrophe: "'" };
  const decimal = DECIMAL[one(query.decimal) ?? 'point'];
  const thousands = THOUSANDS[one(query.thousands) ?? 'none'];
  if (decimal === undefined) c.add('decimal', 'must be point or comma');
  if (thousands === undefined) c.add('thousands', 'must be none, comma, point, space or apostrophe');
  if (decimal !== undefined && decimal === thousands) c.add('thousands', 'must differ from the decimal mark');
  const dateOrder = (one(query.dateOrder) ?? 'YMD').toUpperCase() as NonNullable<NumberFormat['dateOrder']>;
  if (!['YMD', 'DMY', 'MDY'].includes(dateOrder)) c.add('dateOrder', 'must be YMD, DMY or MDY');
  c.throwIfAny();
  return {
    format,
    delimiter,
    nullTokens,
    numberFormat: { decimal: decimal!, thousands: thousands!, dateOrder },
    raggedRows: ragged,
    inferRows: limits.inferRows,
    maxRows: limits.maxRows,
    maxColumns: limits.maxColumns,
    maxBytes: limits.maxBytes,
  };
}
