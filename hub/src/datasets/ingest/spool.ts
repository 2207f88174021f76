/**
 * First pass over an upload: stream the request body to a temporary file while counting bytes
 * (refusing past the limit), checking whether the bytes are valid UTF-8, noting a BOM, and
 * spotting binary content (NUL bytes). Memory stays bounded: one chunk at a time, plus the first
 * {@link HEAD_BYTES} bytes kept for sniffing.
 *
 * The file can be read while it is written ({@link SpoolFile}): the ingest starts once the head is
 * in and reads behind the body as it arrives, so receiving and loading overlap instead of running
 * one after the other. What only the whole body tells — its size, whether every byte was UTF-8, a
 * NUL past the head, a body cut off or over a limit — is known when {@link Spooling.done} settles.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { AppError, BodyTooLargeError } from '../../errors.js';

export const HEAD_BYTES = 64 * 1024;

/**
 * Readers of a body still arriving give up (ReadAgainWhole) once they have waited for bytes more
 * than the wait allowed and more than this share of the time since they began: a sender slower
 * than about a fifth of the load's own pace is loaded once it is all in, not followed.
 */
const WAITING_SHARE = 0.8;

/** The bytes whose pace says whether a body comes fast (Spooling.fast), after the first PACE_SKIP_BYTES. */
const PACE_SKIP_BYTES = 1024 * 1024;
const PACE_SAMPLE_BYTES = 4 * 1024 * 1024;

/** What the first {@link HEAD_BYTES} bytes (or the whole body, when shorter) say. */
export interface SpoolHead {
  /** The first bytes of the file, for delimiter sniffing. */
  head: Buffer;
  /** True when the body ended within the head. */
  ended: boolean;
  /** Every byte up to the head's end was valid UTF-8 (a later byte may still not be). */
  utf8: boolean;
  bom: boolean;
  /** A NUL byte in the head; control characters other than tab, CR, LF, FF as a share of the head. */
  hasNul: boolean;
  controlShare: number;
}

export interface Spooled extends SpoolHead {
  bytes: number;
  /** 'utf8' when every byte sequence is valid UTF-8, else 'latin1' (ISO-8859-1 maps every byte). */
  encoding: 'utf8' | 'latin1';
  /** A NUL byte anywhere in the file. */
  hasNul: boolean;
}

/** A dataset upload past AIMASS_DATASET_MAX_BYTES. */
export class TooLargeError extends BodyTooLargeError {}

/** Room left under a quota: past `bytes`, the spool stops with `exceeded(bytes read so far)`. */
export interface SpoolRoom {
  bytes: number;
  exceeded(bytes: number): AppError;
}

/**
 * A reader of the spooled file asked for it before the body was in, and the answer needs the whole
 * body: the reader waited for bytes longer than it may (a slow sender must not hold the upload's
 * database transaction open), or the bytes were read as UTF-8 and a later byte was not. The upload
 * starts its ingest again once the body is in.
 */
export class ReadAgainWhole extends Error {
  constructor(readonly reason: 'waited' | 'encoding') {
    super(reason === 'waited' ? 'the ingest waited too long for the body' : 'the body is not UTF-8 past what was read');
  }
}

/** The spooled file, readable as it is written. */
export interface SpoolFile {
  path: string;
  /** The file's bytes from the start, `chunkBytes` at a time (64 KiB when absent), as they arrive. */
  stream(chunkBytes?: number): Readable;
}

export interface Spooling {
  /** Settles once the head is in the file (rejects with the spool's error if it fails first). */
  head: Promise<SpoolHead>;
  /** Settles when the whole body is in the file; rejects with why it is not (too large, over the quota, cut off). */
  done: Promise<Spooled>;
  /**
   * Whether the body comes fast enough to be received whole before it is loaded: a declared length
   * of at most 5 MiB does; a longer one does when its second to fifth MiB came at `bytesPerSecond` or
   * faster (or it is all in by then); an undeclared one does not.
   */
  fast(declaredBytes: number | undefined, bytesPerSecond: number): Promise<boolean>;
  /**
   * The file. `maxWaitMs` bounds how long its readers together may wait for bytes not yet received
   * before they fail with {@link ReadAgainWhole}; once the body is in, nothing waits.
   */
  file(maxWaitMs: number): SpoolFile;
}

export function startSpool(body: Readable, file: string, maxBytes: number, room?: SpoolRoom): Spooling {
  const out = createWriteStream(file);
  // The pace of the body's second to fifth MiB: the first is skipped (the sender's start, and the
  // receiving code's own warm-up in a hub that has not received a body yet).
  let sampleFrom: { at: number; bytes: number } | undefined;
  let sample: { bytes: number; ms: number } | undefined;
  let written = 0;
  let settled: { spooled: Spooled } | { error: unknown } | undefined;
  let wake: (() => void)[] = [];
  const advanced = () => {
    const waiting = wake;
    wake = [];
    for (const resolve of waiting) resolve();
  };
  let headDone: (head: SpoolHead) => void = () => undefined;
  let headFailed: (error: unknown) => void = () => undefined;
  const head = new Promise<SpoolHead>((resolve, reject) => ((headDone = resolve), (headFailed = reject)));
  const headParts: Buffer[] = [];
  let headLength = 0;
  let headSent = false;
  let utf8 = true;
  let carry: Buffer = Buffer.alloc(0);
  let hasNul = false;
  let bytes = 0;
  let writeError: unknown;
  out.on('error', (error) => {
    writeError ??= error;
    advanced();
  });

  /** `utf8` as far as the body has been checked (final once the body is in). */
  const describeHead = (ended: boolean): SpoolHead => {
    const bytesOfHead = Buffer.concat(headParts);
    let control = 0;
    for (const byte of bytesOfHead) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
    return {
      head: bytesOfHead,
      ended,
      utf8,
      bom: bytesOfHead[0] === 0xef && bytesOfHead[1] === 0xbb && bytesOfHead[2] === 0xbf,
      hasNul: bytesOfHead.includes(0),
      controlShare: bytesOfHead.length ? control / bytesOfHead.length : 0,
    };
  };

  const done = (async (): Promise<Spooled> => {
    try {
      try {
        // Not destroying the request on an early stop lets the route still answer 413.
        for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
          if (writeError) throw writeError;
          bytes += chunk.length;
          if (sampleFrom === undefined && bytes >= PACE_SKIP_BYTES) sampleFrom = { at: performance.now(), bytes };
          else if (sampleFrom && !sample && bytes >= PACE_SKIP_BYTES + PACE_SAMPLE_BYTES) {
            sample = { bytes: bytes - sampleFrom.bytes, ms: performance.now() - sampleFrom.at };
            advanced();
          }
          if (bytes > maxBytes) throw new TooLargeError(maxBytes);
          if (room && bytes > room.bytes) throw room.exceeded(bytes);
          if (headLength < HEAD_BYTES) {
            headParts.push(chunk.subarray(0, HEAD_BYTES - headLength));
            headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
          }
          if (!hasNul && chunk.includes(0)) hasNul = true;
          if (utf8) [utf8, carry] = checkUtf8(carry, chunk);
          const length = chunk.length;
          // Readers see a byte once it is in the file (a failed write is the stream's 'error').
          out.write(chunk, (error) => {
            if (error) return;
            written += length;
            if (!headSent && headLength >= HEAD_BYTES && written >= HEAD_BYTES) {
              headSent = true;
              headDone(describeHead(false));
            }
            advanced();
          });
          if (out.writableNeedDrain) await once(out, 'drain');
        }
      } catch (error) {
        if (error instanceof AppError) throw error;
        const e = error as { code?: string; message?: string };
        if (e.code === 'ECONNRESET' || e.message === 'aborted') {
          throw new AppError('BAD_USER_INPUT', 'The upload was cut off before it ended', [{ field: 'body', message: 'incomplete' }]);
        }
        throw error;
      }
    } finally {
      out.end();
      await once(out, 'close').catch(() => undefined);
    }
    if (writeError) throw writeError;
    // An incomplete sequence at the very end is not UTF-8.
    if (carry.length > 0) utf8 = false;
    return { ...describeHead(headLength < HEAD_BYTES), bytes, encoding: utf8 ? 'utf8' : 'latin1', hasNul };
  })();
  void done.then(
    (spooled) => {
      settled = { spooled };
      written = spooled.bytes;
      if (!headSent) headDone(spooled);
      advanced();
    },
    (error) => {
      settled = { error };
      headFailed(error);
      advanced();
    },
  );

  // Either may settle with nobody awaiting it yet (a caller waits for one, then the other): not an unhandled rejection.
  head.catch(() => undefined);
  done.catch(() => undefined);
  return {
    head,
    done,
    async fast(declaredBytes, bytesPerSecond) {
      if (declaredBytes === undefined) return false;
      // Too small to judge by its pace, and soon in whatever it is.
      if (declaredBytes <= PACE_SKIP_BYTES + PACE_SAMPLE_BYTES) return true;
      while (!settled && sample === undefined) await new Promise<void>((resolve) => wake.push(resolve));
      // All in (or failed) already: nothing to follow.
      if (settled || sample === undefined) return true;
      return (sample.bytes / Math.max(sample.ms, 0.001)) * 1000 >= bytesPerSecond;
    },
    file(maxWaitMs) {
      const readersBegun = performance.now();
      let waited = 0;
      const state = {
        get written() {
          return written;
        },
        get settled() {
          return settled;
        },
        async more(stop: AbortSignal): Promise<void> {
          const started = performance.now();
          // Past maxWaitMs in all, readers may go on waiting only while they wait less than
          // WAITING_SHARE of the time since they began: a wait of t ends the reading once
          // waited + t > WAITING_SHARE × (elapsed + t).
          const elapsed = started - readersBegun;
          const budget = Math.max(maxWaitMs - waited, (WAITING_SHARE * elapsed - waited) / (1 - WAITING_SHARE));
          if (budget <= 0) throw new ReadAgainWhole('waited');
          let timer: NodeJS.Timeout | undefined;
          let stopped: (() => void) | undefined;
          const outcome = await Promise.race([
            new Promise<'arrived'>((resolve) => wake.push(() => resolve('arrived'))),
            new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), budget))),
            new Promise<'stopped'>((resolve) => stop.addEventListener('abort', (stopped = () => resolve('stopped')), { once: true })),
          ]);
          clearTimeout(timer);
          if (stopped) stop.removeEventListener('abort', stopped);
          // A reader closed while it waited (one that read ahead of what was used) spent none of the allowance.
          if (outcome === 'stopped') return;
          waited += performance.now() - started;
          if (outcome === 'late') throw new ReadAgainWhole('waited');
        },
      };
      return {
        path: file,
        // Once the body is in, the file is an ordinary one.
        stream: (chunkBytes) =>
          settled && 'spooled' in settled ? createReadStream(file, chunkBytes ? { highWaterMark: chunkBytes } : {}) : new GrowingFileStream(file, state, chunkBytes ?? 64 * 1024),
      };
    },
  };
}

/** What a reader of a file still being written needs of the spool. */
interface GrowingState {
  readonly written: number;
  readonly settled: { spooled: Spooled } | { error: unknown } | undefined;
  /** Waits until more bytes are in the file, the spool settles or `stop` aborts; throws {@link ReadAgainWhole} past the wait allowed. */
  more(stop: AbortSignal): Promise<void>;
}

/** Reads a file from its start while it is written, up to what is in it; ends where the body ended. */
class GrowingFileStream extends Readable {
  private handle: Promise<FileHandle> | undefined;
  private position = 0;
  private readonly closing = new AbortController();

  constructor(
    private readonly path: string,
    private readonly state: GrowingState,
    private readonly chunkBytes: number,
  ) {
    super({ highWaterMark: chunkBytes });
  }

  override _read(): void {
    this.next().then(
      (chunk) => this.push(chunk),
      (error: Error) => this.destroy(error),
    );
  }

  private async next(): Promise<Buffer | null> {
    for (;;) {
      const available = this.state.written - this.position;
      const settled = this.state.settled;
      // Whole chunks while the body arrives, as a reader of a finished file gets them: a reader
      // close behind the writer would otherwise take each arrival as it comes, and pay per chunk.
      if (available >= this.chunkBytes || (available > 0 && settled)) {
        const fd = await (this.handle ??= open(this.path, 'r'));
        const buffer = Buffer.allocUnsafe(Math.min(available, this.chunkBytes));
        const { bytesRead } = await fd.read(buffer, 0, buffer.length, this.position);
        this.position += bytesRead;
        return buffer.subarray(0, bytesRead);
      }
      if (settled && 'error' in settled) throw settled.error;
      if (settled) return null;
      await this.state.more(this.closing.signal);
      if (this.closing.signal.aborted) return null;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closing.abort();
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return callback(error);
    handle.then((fd) => fd.close()).then(
      () => callback(error),
      () => callback(error),
    );
  }
}

/**
 * Whether `chunk`, after the bytes `carry` held back from the chunk before, is valid UTF-8 so far;
 * and the bytes at its end that begin a sequence the next chunk completes (at most three).
 */
function checkUtf8(carry: Buffer, chunk: Buffer): [boolean, Buffer] {
  const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
  let start = bytes.length - 1;
  let continuation = 0;
  while (start >= 0 && continuation < 3 && (bytes[start] & 0xc0) === 0x80) (start--, continuation++);
  let cut = bytes.length;
  if (start >= 0) {
    const lead = bytes[start];
    const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (length > bytes.length - start) cut = start;
  }
  return [isUtf8(bytes.subarray(0, cut)), Buffer.from(bytes.subarray(cut))];
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
