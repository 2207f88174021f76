import { describe, expect, it } from 'vitest';
import { ColumnType } from '../dataset-version.entity.js';
import { nullMatcher, parsers } from '../ingest/cells.js';
import { normaliseHeaders } from '../ingest/headers.js';
import { inferType, widerType } from '../ingest/infer.js';
import { sniffDelimiter } from '../ingest/spool.js';

describe('Ingest: header normalisation', () => {
  it('makes names lower snake case ASCII, unique, not reserved, and keeps the trimmed original', () => {
    expect(normaliseHeaders([' First Name ', 'firstName', 'Café Crème', '', '42', 'order', 'a', 'A', 'a_2'])).toEqual([
      { name: 'first_name', originalName: 'First Name' },
      { name: 'first_name_2', originalName: 'firstName' },
      { name: 'cafe_creme', originalName: 'Café Crème' },
      { name: 'column_4', originalName: '' },
      { name: 'c_42', originalName: '42' },
      { name: 'order_', originalName: 'order' },
      { name: 'a', originalName: 'a' },
      { name: 'a_2', originalName: 'A' },
      { name: 'a_2_2', originalName: 'a_2' },
    ]);
  });

  it('fits PostgreSQL identifiers even with suffixes', () => {
    const names = normaliseHeaders(Array(120).fill('é'.repeat(200))).map((h) => h.name);
    expect(new Set(names).size).toBe(120);
    for (const n of names) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(63);
  });
});

describe('Ingest: cell parsing', () => {
  it('parses each type into text PostgreSQL accepts, and refuses what does not fit', () => {
    expect(parsers[ColumnType.INTEGER]('-0042')).toBe('-42');
    expect(parsers[ColumnType.INTEGER]('9223372036854775808')).toBeUndefined();
    expect(parsers[ColumnType.INTEGER]('1.0')).toBeUndefined();
    expect(parsers[ColumnType.FLOAT]('.5e3')).toBe('500');
    expect(parsers[ColumnType.FLOAT]('1e400')).toBeUndefined();
    expect(parsers[ColumnType.FLOAT]('0x10')).toBeUndefined();
    expect(parsers[ColumnType.BOOLEAN]('Yes')).toBe('true');
    expect(parsers[ColumnType.BOOLEAN]('1')).toBeUndefined();
    expect(parsers[ColumnType.DATE]('2024-02-29')).toBe('2024-02-29');
    expect(parsers[ColumnType.DATE]('2023-02-29')).toBeUndefined();
    expect(parsers[ColumnType.TIMESTAMP]('2024-01-02T03:04:05.123Z')).toBe('2024-01-02 03:04:05.123+00:00');
    expect(parsers[ColumnType.TIMESTAMP]('2024-01-02 03:04')).toBe('2024-01-02 03:04:00+00:00');
    expect(parsers[ColumnType.TIMESTAMP]('2024-01-02T25:00:00')).toBeUndefined();
  });

  it('matches null tokens case-insensitively, and always the empty cell', () => {
    const isNull = nullMatcher(['NA', 'n/a']);
    expect(['', 'na', 'NA', 'N/A'].map(isNull)).toEqual([true, true, true, true]);
    expect(isNull('nan')).toBe(false);
  });
});

describe('Ingest: type inference', () => {
  it('picks the narrowest type most sample cells fit, so a few dirty cells do not make text', () => {
    expect(inferType(['1', '2', '3'])).toBe(ColumnType.INTEGER);
    expect(inferType([...Array(9).fill('1.5'), 'oops'])).toBe(ColumnType.FLOAT);
    expect(inferType([...Array(8).fill('1.5'), 'oops', 'bad'])).toBe(ColumnType.CATEGORICAL);
    expect(inferType(['true', 'no', 'Y'])).toBe(ColumnType.BOOLEAN);
    expect(inferType(['2024-01-01', '2024-12-31'])).toBe(ColumnType.DATE);
    expect(inferType(['2024-01-01T00:00:00Z', '2024-01-01'])).toBe(ColumnType.TIMESTAMP);
    expect(inferType(['a', 'b', 'a', 'b'])).toBe(ColumnType.CATEGORICAL);
    expect(inferType(['a', 'b', 'c'])).toBe(ColumnType.TEXT);
    expect(inferType([])).toBe(ColumnType.TEXT);
  });

  it('makes a number column float when one sample number is not an integer that fits bigint', () => {
    const integers = Array.from({ length: 400 }, (_, i) => String(i));
    expect(inferType([...integers, '97.5'])).toBe(ColumnType.FLOAT);
    expect(inferType([...integers, '123456789012345678901234'])).toBe(ColumnType.FLOAT);
    expect(inferType([...integers, 'oops'])).toBe(ColumnType.INTEGER);
  });

  it('widens integer to float for a decimal or an overflowing integer, and nothing else', () => {
    expect(widerType(ColumnType.INTEGER, '97.5')).toBe(ColumnType.FLOAT);
    expect(widerType(ColumnType.INTEGER, '9223372036854775808')).toBe(ColumnType.FLOAT);
    expect(widerType(ColumnType.INTEGER, 'oops')).toBeUndefined();
    expect(widerType(ColumnType.DATE, 'not a date')).toBeUndefined();
    expect(widerType(ColumnType.FLOAT, 'oops')).toBeUndefined();
  });
});

describe('Ingest: delimiter sniffing', () => {
  it('counts candidate delimiters outside quotes in the first line', () => {
    expect(sniffDelimiter('a,b,c')).toBe(',');
    expect(sniffDelimiter('a;b;"c,d,e"')).toBe(';');
    expect(sniffDelimiter('a\tb\tc,d')).toBe('\t');
    expect(sniffDelimiter('a|b|c')).toBe('|');
    expect(sniffDelimiter('single')).toBe(',');
  });
});

describe('Ingest: single-byte text', () => {
  it('decodes Windows-1252, so 0x80–0x9F are € and typographic quotes rather than control characters', async () => {
    const { decodeSingleByte } = await import('../ingest/decode.js');
    expect(decodeSingleByte(Buffer.from([0x4d, 0xe9, 0x80, 0x93, 0x94, 0x81, 0xff]))).toBe('Mé€“”\u0081ÿ');
  });
});

describe('Number formats', () => {
  it('reads decimal commas and grouped thousands only when asked, and only when written exactly so', async () => {
    const { cellParsers } = await import('../ingest/cells.js');
    const eu = cellParsers({ decimal: ',', thousands: '.' });
    expect(eu[ColumnType.FLOAT]('1.234,5')).toBe('1234.5');
    expect(eu[ColumnType.FLOAT]('-0,25')).toBe('-0.25');
    expect(eu[ColumnType.FLOAT]('1234,5')).toBe('1234.5');
    expect(eu[ColumnType.FLOAT]('1.23,5')).toBeUndefined(); // groups of three only
    expect(eu[ColumnType.INTEGER]('12.345.678')).toBe('12345678');
    expect(eu[ColumnType.INTEGER]('1,5')).toBeUndefined();
    const us = cellParsers({ decimal: '.', thousands: ',' });
    expect(us[ColumnType.FLOAT]('1,234.5')).toBe('1234.5');
    expect(us[ColumnType.INTEGER]('1,234,567')).toBe('1234567');
    const swiss = cellParsers({ decimal: '.', thousands: "'" });
    expect(swiss[ColumnType.INTEGER]("1'000")).toBe('1000');
    // The default format leaves these alone.
    expect(cellParsers()[ColumnType.FLOAT]('1,5')).toBeUndefined();
    expect(cellParsers()[ColumnType.FLOAT]('1.5')).toBe('1.5');
  });
});

describe('Date orders', () => {
  it('reads day-first and month-first dates only when told which', async () => {
    const { cellParsers } = await import('../ingest/cells.js');
    const dmy = cellParsers({ decimal: '.', thousands: '', dateOrder: 'DMY' });
    expect(dmy[ColumnType.DATE]('31/12/2024')).toBe('2024-12-31');
    expect(dmy[ColumnType.DATE]('1.2.2024')).toBe('2024-02-01');
    expect(dmy[ColumnType.DATE]('2024-02-01')).toBe('2024-02-01'); // ISO is always read
    expect(dmy[ColumnType.DATE]('12/31/2024')).toBeUndefined(); // month 31
    expect(dmy[ColumnType.TIMESTAMP]('31/12/2024 23:59')).toBe('2024-12-31 23:59:00+00:00');
    const mdy = cellParsers({ decimal: '.', thousands: '', dateOrder: 'MDY' });
    expect(mdy[ColumnType.DATE]('12/31/2024')).toBe('2024-12-31');
    expect(mdy[ColumnType.DATE]('02/30/2024')).toBeUndefined();
    expect(cellParsers()[ColumnType.DATE]('31/12/2024')).toBeUndefined();
  });
});
