/**
 * What both `push` commands share: POST a body of known length to the hub, streamed from disk
 * with a progress bar on stderr, and read the JSON answer; plus a small GraphQL call.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { progressBar } from './progress-bar.js';

export class UsageError extends Error {}

export interface HubTarget {
  hub: string;
  token: string;
}

export interface HubAnswer {
  status: number;
  body: any;
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'INTERNAL', message: text.slice(0, 500) } };
  }
}

/** `OWNER/NAME` → [owner, name], or undefined. */
export function ownerAndName(value: string | undefined): [string, string] | undefined {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(value ?? '');
  return match ? [match[1], match[2]] : undefined;
}

/** Streams `parts` one after another as the request body (`size` bytes in all), drawing progress. */
export function upload(target: HubTarget, pathAndQuery: string, contentType: string, size: number, parts: (() => Readable | Buffer)[]): Promise<HubAnswer> {
  const url = new URL(pathAndQuery, target.hub);
  const startedAt = Date.now();
  return new Promise<HubAnswer>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': contentType, 'content-length': size },
    });
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        process.stderr.write('\n');
        resolve({ status: res.statusCode ?? 0, body: parse(text) });
      });
    });
    request.on('error', reject);
    let sent = 0;
    let drawnAt = 0;
    const count = (n: number) => {
      sent += n;
      if (Date.now() - drawnAt > 100 || sent === size) {
        drawnAt = Date.now();
        process.stderr.write(progressBar(sent, size, startedAt));
      }
    };
    (async () => {
      for (const make of parts) {
        const part = make();
        if (Buffer.isBuffer(part)) {
          count(part.length);
          if (!request.write(part)) await new Promise((r) => request.once('drain', r));
          continue;
        }
        for await (const chunk of part) {
          count((chunk as Buffer).length);
          if (!request.write(chunk)) await new Promise((r) => request.once('drain', r));
        }
      }
      request.end();
    })().catch((error) => {
      request.destroy();
      reject(error);
    });
  });
}

/** One GraphQL operation; throws the hub's first error as a readable message. */
export async function graphql(target: HubTarget, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(new URL('/graphql', target.hub), {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = parse(await res.text());
  const error = body.errors?.[0];
  if (error) throw Object.assign(new Error(`${error.extensions?.code ?? 'ERROR'}: ${error.message}`), { code: error.extensions?.code });
  return body.data;
}

/** Prints a refused upload's error (and its fields) to stderr; returns the exit code 1. */
export function refused(answer: HubAnswer): number {
  process.stderr.write(`The hub refused the upload (${answer.status}): ${answer.body.error?.code}: ${answer.body.error?.message}\n`);
  for (const f of answer.body.error?.fields ?? []) process.stderr.write(`  ${f.field}: ${f.message}\n`);
  return 1;
}
