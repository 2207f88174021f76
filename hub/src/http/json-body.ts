/**
 * A JSON body read whatever its Content-Type (the inference doors: TF Serving's own examples send
 * bodies with `curl -d`), answering as `express.json({ limit, type: () => true })` does: `req.body`
 * is the parsed value, `{}` for an empty body, and failures reach the error handler with
 * body-parser's `type` (`entity.too.large` with `limit`, `entity.parse.failed`, `request.aborted`),
 * a body whose top level is not an object or a list (strict mode) being `entity.parse.failed`.
 *
 * The common request (a Content-Length within the limit, no Content-Encoding, UTF-8) is read here
 * directly: body-parser's stream plumbing (a decoder, listeners, a callback chain) cost about as
 * much hub CPU as the rest of the door. Everything else (chunked or compressed bodies, other
 * charsets, a declared length past the limit) goes to express.json itself.
 */
import express, { type RequestHandler } from 'express';

const UTF8_ONLY = /charset\s*=\s*"?utf-8"?\s*(;|$)/i;

function bodyError(type: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { type, status: 400, statusCode: 400, expose: true, ...extra });
}

export function jsonBody(limit: number): RequestHandler {
  const fallback = express.json({ limit, type: () => true });
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    const encoding = req.headers['content-encoding'];
    const contentType = req.headers['content-type'];
    const length = declared === undefined ? NaN : Number(declared);
    if (
      !(length >= 0 && length <= limit) ||
      req.headers['transfer-encoding'] !== undefined ||
      (encoding !== undefined && encoding.toLowerCase() !== 'identity') ||
      (contentType !== undefined && /charset/i.test(contentType) && !UTF8_ONLY.test(contentType))
    ) {
      return fallback(req, res, next);
    }
    if (length === 0) {
      req.body = {};
      return next();
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let finished = false;
    const done = (error?: Error) => {
      if (finished) return;
      finished = true;
      next(error);
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      let text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const first = /\S/.exec(text);
      if (!first) {
        req.body = {};
        return done();
      }
      if (first[0] !== '{' && first[0] !== '[') return done(bodyError('entity.parse.failed', `Unexpected token '${first[0]}', "${text.slice(first.index, first.index + 10)}" is not valid JSON`));
      try {
        req.body = JSON.parse(text);
      } catch (error) {
        return done(bodyError('entity.parse.failed', (error as Error).message));
      }
      done();
    });
    req.on('aborted', () => done(bodyError('request.aborted', 'request aborted')));
    req.on('error', (error: Error) => done(error));
  };
}
