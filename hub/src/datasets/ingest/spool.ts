/**
 * First pass over an upload: stream the request body to a temporary file while counting bytes
 * (refusing past the limit), checking whether the bytes are valid UTF-8, noting a BOM, and
 * spotting binary content (NUL bytes). Memory stays bounded: one chunk at a time, plus the first
 * {@link HEAD_BYTES} bytes kept for sniffing.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { AppError, BodyTooLargeError } from '../../errors.js';

export const HEAD_BYTES = 64 * 1024;

export interface Spooled {
  bytes: number;
  /** 'utf8' when every byte sequence is valid UTF-8, else 'latin1' (ISO-8859-1 maps every byte). */
  encoding: 'utf8' | 'latin1';
  bom: boolean;
  /** The first bytes of the file, for delimiter sniffing. */
  head: Buffer;
  /** Control characters other than tab, CR, LF, FF in the head, and whether any NUL appeared anywhere. */
  hasNul: boolean;
  controlShare: number;
}

/** A dataset upload past AIMASS_DATASET_MAX_BYTES. */
export class TooLargeError extends BodyTooLargeError {}

/** Room left under a quota: past `bytes`, the spool stops with `exceeded(bytes read so far)`. */
export interface SpoolRoom {
  bytes: number;
  exceeded(bytes: number): AppError;
}

export async function spool(body: Readable, file: string, maxBytes: number, room?: SpoolRoom): Promise<Spooled> {
  const out = createWriteStream(file);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let utf8 = true;
  let bytes = 0;
  let hasNul = false;
  const headParts: Buffer[] = [];
  let headLength = 0;
  try {
    try {
      await copy();
    } catch (error) {
      if (error instanceof AppError) throw error;
      const e = error as { code?: string; message?: string };
      if (e.code === 'ECONNRESET' || e.message === 'aborted') {
        throw new AppError('BAD_USER_INPUT', 'The upload was cut off before it ended', [{ field: 'body', message: 'incomplete' }]);
      }
      throw error;
    }
    if (utf8) {
      try {
        decoder.decode();
      } catch {
        utf8 = false;
      }
    }
  } finally {
    out.end();
    await once(out, 'close').catch(() => undefined);
  }

  async function copy() {
    // Not destroying the request on an early stop lets the route still answer 413.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw new TooLargeError(maxBytes);
      if (room && bytes > room.bytes) throw room.exceeded(bytes);
      if (headLength < HEAD_BYTES) {
        headParts.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      if (!hasNul && chunk.includes(0)) hasNul = true;
      if (utf8) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          utf8 = false;
        }
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  const head = Buffer.concat(headParts);
  let control = 0;
  for (const byte of head) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  return {
    bytes,
    encoding: utf8 ? 'utf8' : 'latin1',
    bom: head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf,
    head,
    hasNul,
    controlShare: head.length ? control / head.length : 0,
  };
}

/** Picks the delimiter that occurs most often (outside quotes) in the first line: , ; tab or |. */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [ch, n] of counts) if (n > counts.get(best)!) best = ch;
  return best;
}
