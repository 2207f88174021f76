/**
 * Streams the files of a multipart/form-data body (RFC 7578) into the artifact store, one at a
 * time, counting bytes across all of them. Each file part's filename is its path beside
 * model.json (directories kept). Non-file fields are ignored.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { ArtifactStore, PutResult } from '../artifacts/index.js';
import { AppError, badInput, BodyTooLargeError, QuotaExceededError } from '../errors.js';

/** A model (or checkpoint) upload past AIMASS_MODEL_MAX_BYTES. */
export class ModelTooLargeError extends BodyTooLargeError {}

export const MAX_FILES = 1000;
/** Room for the multipart framing (boundaries and part headers) beyond the files' own bytes. */
export const FRAMING_BYTES = 1024 * 1024;

export interface ReceivedFiles {
  files: Map<string, PutResult>;
  /** Blobs this upload created (deleted here on failure; the caller deletes them when the version is not made). */
  created: string[];
}

/** Room left under the owner's artifact quota: past `bytes` of files, the upload stops with `exceeded(bytes read)`. */
export interface UploadRoom {
  bytes: number;
  exceeded(bytes: number): QuotaExceededError;
}

/** Errors after which the rest of the body is not read: the error handler answers 413 and closes the connection. */
export const stopsReading = (error: unknown): error is ModelTooLargeError | QuotaExceededError =>
  error instanceof ModelTooLargeError || error instanceof QuotaExceededError;

export async function receiveFiles(headers: IncomingHttpHeaders, body: Readable, store: ArtifactStore, maxBytes: number, room?: UploadRoom): Promise<ReceivedFiles> {
  const received: ReceivedFiles = { files: new Map(), created: [] };
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers, preservePath: true, limits: { files: MAX_FILES, fields: 100, parts: MAX_FILES + 100 } });
  } catch (error) {
    throw badInput('body', `send multipart/form-data (${(error as Error).message})`);
  }
  let total = 0;
  let failure: unknown;
  let chain: Promise<void> = Promise.resolve();
  let stop: (error: unknown) => void = () => undefined;
  /** The file part being stored now, ended by force when the body is cut off. */
  let current: Readable | undefined;
  const fail = (error: unknown) => {
    failure ??= error;
    // Past the limit, the rest of the body is not worth reading: answer 413 now (the route closes the connection).
    if (stopsReading(error)) {
      failure = error;
      stop(error);
    }
  };

  bb.on('file', (_field, stream, info) => {
    const path = (info.filename ?? '').replace(/\\/g, '/').replace(/^\.\//, '');
    chain = chain.then(async () => {
      // A part not stored must still be read through, or the body stalls.
      if (!failure && !path) fail(badInput('body', 'every file part needs a filename (its path beside model.json)'));
      if (!failure && received.files.has(path)) fail(badInput(path, 'was uploaded twice'));
      if (failure) return void stream.resume();
      const counter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          total += chunk.length;
          cb(total > maxBytes ? new ModelTooLargeError(maxBytes) : room && total > room.bytes ? room.exceeded(total) : null, chunk);
        },
      });
      // pipe() does not forward errors: a body cut off mid-file must still end the write.
      // `on`, not `once`: a part destroyed after a refusal may report more than one error, and an
      // unheard 'error' event would end the hub.
      stream.on('error', (error) => counter.destroy(error));
      // The part may already be buffered whole: piping writes it into the counter at once, and the
      // counter's refusal must not be an unheard 'error' event while put() is still setting up
      // (that ended the hub). put() still sees the error: its pipeline takes an errored stream.
      counter.on('error', () => undefined);
      current = stream;
      try {
        const put = await store.put(stream.pipe(counter));
        received.files.set(path, put);
        if (put.created) received.created.push(put.sha256);
      } catch (error) {
        fail(error);
        stream.resume();
      } finally {
        current = undefined;
      }
    });
  });
  bb.on('filesLimit', () => fail(badInput('body', `at most ${MAX_FILES} files`)));

  try {
    await new Promise<void>((resolve, reject) => {
      stop = reject;
      bb.once('close', resolve);
      bb.on('error', reject);
      body.on('error', reject);
      body.once('aborted', () => reject(badInput('body', 'the upload was cut off before it ended')));
      // Parts that are skipped (after a refusal) are not counted above; bound the raw body too.
      let raw = 0;
      body.on('data', (chunk: Buffer) => {
        raw += chunk.length;
        if (raw > maxBytes + FRAMING_BYTES) fail(new ModelTooLargeError(maxBytes));
      });
      body.pipe(bb);
    });
  } catch (error) {
    fail(error instanceof AppError ? error : badInput('body', `malformed multipart body: ${(error as Error).message}`));
    // The body will not end (cut off, or no longer read): end the file being written so its temporary file goes.
    current?.destroy(error as Error);
  }
  if (stopsReading(failure)) {
    // The part being stored ends now (destroyed), so its put() removes its temporary file: wait for
    // that before answering, or the 413 goes out with a file still in tmp/. Bounded, because the
    // rest of the body is no longer read and nothing else may hold the answer up.
    current?.destroy(failure as Error);
    await Promise.race([chain, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  } else {
    await chain;
  }
  if (failure) {
    body.unpipe(bb);
    await Promise.all(received.created.map((sha) => store.delete(sha)));
    throw failure;
  }
  return received;
}
