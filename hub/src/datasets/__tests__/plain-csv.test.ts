import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plainCsvBatches } from '../ingest/plain-csv.js';
import { parse } from 'csv-parse/sync';
import { csvRecordBatches, csvRecords, type RawRecord } from '../ingest/records.js';
import { seededRandom as prng } from '../../evaluation/metrics/seeded-random.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aimass-plain-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

type Outcome = { records: RawRecord[] } | { error: string };

/**
 * The records read, as line and cells. A record's `text` (the fast reader's, the load sends it to
 * COPY as written: its UTF-8 bytes, one per character) must read back, as RFC 4180 CSV, as exactly
 * its cells.
 */
async function read(reader: (file: string) => AsyncIterable<RawRecord | RawRecord[]>, file: string, delimiter: string): Promise<Outcome> {
  const records: RawRecord[] = [];
  try {
    for await (const item of reader(file)) {
      for (const record of Array.isArray(item) ? item : [item]) {
        if (record.text !== undefined && !(delimiter === '\t' && record.text.includes('"'))) {
          const text = Buffer.from(record.text, 'latin1').toString('utf8');
          expect(parse(text, { delimiter, relax_quotes: false, record_delimiter: ['\n', '\r\n', '\r'] }), JSON.stringify(text)).toEqual([record.cells]);
        }
        records.push({ line: record.line, cells: record.cells });
      }
    }
    return { records };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** What the ingest reads (fast reader, csv-parse from where it stops) against csv-parse alone. */
async function compare(content: string | Buffer, delimiter = ',', encoding: 'utf8' | 'latin1' = 'utf8', fastAlone = false) {
  const file = path.join(dir, `${files++}.csv`);
  writeFileSync(file, content);
  const fast = await read((f) => csvRecordBatches(f, delimiter, encoding), file, delimiter);
  const reference = await read((f) => csvRecords(f, delimiter, encoding), file, delimiter);
  expect(fast, JSON.stringify(content.toString())).toEqual(reference);
  // The fast reader read the whole file itself (csv-parse was not needed).
  if (fastAlone) expect(await read((f) => plainCsvBatches(f, delimiter, encoding), file, delimiter), JSON.stringify(content.toString())).toEqual(reference);
  return fast;
}

describe('Ingest: the fast CSV reader yields what csv-parse yields', () => {
  it('reads plain, quoted, multi-line, CRLF, BOM, empty-line and ragged files the same', async () => {
    const cases = [
      'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n',
      'a,b\r\n1,"x, y"\r\n\r\n2,"say ""hi"""\r\n',
      'a,b\n1,"two\nlines"\n2,"cr\r\nlf"\n3,x',
      '\uFEFFcity,pop\nZürich,400000\n',
      'a\n\n\n1\n\n2',
      'a,b\n"",\n,""\n"a""",b\n',
      'a;b\n1;"x;y"\n',
      'only header',
      '"quoted header, with comma",b\n1,2\n',
      'a,b\n1,2\n   \n3,4\n',
    ];
    for (const c of cases) expect('records' in (await compare(c, c.includes(';') ? ';' : ',', 'utf8', true))).toBe(true);
    await compare('a\tb\n1\tx, y\n2\t5" screen\n', '\t', 'utf8', true);
    await compare(Buffer.from('ville;prix\nMontréal;\x80 10\nQuébec;\x93ok\x94\n', 'latin1'), ';', 'latin1', true);
  });

  it('hands what only csv-parse decides to csv-parse: lone CR, stray quotes, unclosed quotes, mixed line ends', async () => {
    const cases = [
      'a,b\r1,2\r3,4\r',
      'a,b\n1,2\r\n3,4\n',
      'a,b\r\n1,2\n3,4\r\n',
      'a,b\n1,x"y\n',
      'a,b\n1,"x"y\n',
      'a,b\n1,"open\n2,3\n',
      'a,b\n1,2\n3,"x" \n',
      'a,b\n1,a\rb\n',
    ];
    for (const c of cases) await compare(c);
  });

  it('agrees on thousands of random files (quotes, delimiters, CR, LF, spaces, non-ASCII)', async () => {
    const r = prng(16);
    const alphabet = ['a', 'b', '1', ',', ',', '"', '"', '\n', '\n', '\r\n', '\r', ' ', 'é', '€', '\t', ';'];
    for (let n = 0; n < 600; n++) {
      let text = '';
      const length = Math.floor(r() * 40);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(r() * alphabet.length)];
      await compare(text, r() < 0.8 ? ',' : '\t');
    }
  });

  it('agrees across read chunks on a large file with a quoted field every few lines', async () => {
    const lines = ['id,text,n'];
    for (let i = 0; i < 60_000; i++) lines.push(i % 7 === 0 ? `${i},"multi\nline, ""quoted"" ${'é'.repeat(i % 5)}",${i}` : `${i},plain ${i},${i}`);
    const outcome = await compare(lines.join('\n') + '\n', ',', 'utf8', true);
    expect('records' in outcome && outcome.records.length).toBe(60_001);
  });

  it('reads characters of two, three and four UTF-8 bytes where a read chunk ends inside them, quoted or not, and a BOM', async () => {
    // Lines of varying length: the 64 KiB chunk boundaries fall inside every kind of character.
    const lines = ['\uFEFFid,word,n'];
    const words = ['ü', '€uro', '😀', 'naïve café', '日本語', 'a\u00A0b', 'x'];
    for (let i = 0; i < 40_000; i++) {
      const word = words[i % words.length].repeat(1 + (i % 3));
      lines.push(i % 5 === 0 ? `${i},"${word}, ""${word}""",${i}` : `${i},${word},${word}${i}`);
    }
    const outcome = await compare(lines.join('\n'), ',', 'utf8', true);
    expect('records' in outcome && outcome.records.slice(0, 3).map((r) => r.cells)).toEqual([
      ['id', 'word', 'n'],
      ['0', 'ü, "ü"', '0'],
      ['1', '€uro€uro', '€uro€uro1'],
    ]);
  });
});
