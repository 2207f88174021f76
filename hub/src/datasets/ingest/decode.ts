/**
 * Reading a spooled file as UTF-8. Bytes that are not valid UTF-8 are single-byte text: decoded as
 * Windows-1252, the superset of Latin-1 (ISO-8859-1) that spreadsheets actually write — it differs
 * only in 0x80–0x9F, control characters in Latin-1 and "€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™
 * š › œ ž Ÿ" in Windows-1252. (Node 20's TextDecoder('windows-1252') decodes those bytes as
 * Latin-1, hence the table.)
 */
import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import type { SpoolFile } from './spool.js';

/** A file to read: a path, or an upload's spooled file, read as it is written. */
export type SourceFile = string | SpoolFile;

// 0x80–0x9F; the five bytes Windows-1252 leaves undefined keep their Latin-1 code point.
const CP1252 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCodePoint(code));

export function decodeSingleByte(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[\x80-\x9f]/g, (ch) => CP1252[ch.charCodeAt(0) - 0x80]);
}

/** The file's content as a stream of UTF-8 bytes, read `chunkBytes` at a time (Node's default when absent). */
export function utf8Stream(file: SourceFile, encoding: 'utf8' | 'latin1', chunkBytes?: number): Readable {
  const bytes = typeof file === 'string' ? createReadStream(file, chunkBytes ? { highWaterMark: chunkBytes } : {}) : file.stream(chunkBytes);
  if (encoding === 'utf8') return bytes;
  const reencode = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, Buffer.from(decodeSingleByte(chunk), 'utf8'));
    },
  });
  bytes.on('error', (error: Error) => reencode.destroy(error));
  reencode.on('close', () => bytes.destroy());
  return bytes.pipe(reencode);
}
