/**
 * Section 1 of the ingest benchmark (ingest.bench.ts): a file uploaded through the hub as the body
 * of POST /api/datasets/:owner/:name/versions (Content-Length), at full speed over loopback or paced
 * like a network upload; the time to the 201, when the last byte was sent, the hub's steps from
 * Server-Timing, the hub's CPU and peak RSS (VmRSS sampled), PostgreSQL's CPU.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { DatasetColumn } from '../../hub/src/datasets/dataset-version.entity.js';
import { cpuDelta, onCleanup, sleep, type Hub } from './harness.js';
import { cpuSeconds, rssMb } from './proc-stats.js';

export interface UploadResult {
  seconds: number;
  bodySentSeconds: number;
  status: number;
  version: { id: string; number: number; rowCount: number; columns: DatasetColumn[]; ingestReport: { columns: { name: string; type: string; nullCount: number; invalidCount: number }[] } };
  rssBeforeMb: number;
  rssPeakMb: number;
  hubCpuSeconds: number;
  pgCpuSeconds?: number;
  /** The hub's own step timings from the answer's Server-Timing header, in seconds. */
  steps: Record<string, number>;
}

/** `spool;dur=812.3, ingest;dur=…` → { spool: 0.8123, … } (seconds). */
function serverTiming(header: string | string[] | undefined): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const part of String(header ?? '').split(',')) {
    const m = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
    if (m) steps[m[1]] = Number(m[2]) / 1000;
  }
  return steps;
}

/**
 * `paceBytesPerSecond`: send the body no faster than this (a network upload); full speed when absent.
 * `rssIntervalMs`: how often the hub's RSS is sampled.
 */
export async function upload(
  hub: Hub,
  token: string,
  path: string,
  file: string,
  pgCpu: () => Map<number, number> | undefined,
  rssIntervalMs: number,
  paceBytesPerSecond?: number,
): Promise<UploadResult> {
  const size = statSync(file).size;
  const rssBeforeMb = rssMb(hub.pid) ?? NaN;
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => {
    const rss = rssMb(hub.pid);
    if (rss !== undefined && rss > rssPeakMb) rssPeakMb = rss;
  }, rssIntervalMs);
  const forget = onCleanup('stop the RSS sampler', () => clearInterval(sampler));
  const hubCpu0 = cpuSeconds(hub.pid) ?? 0;
  const pg0 = pgCpu();
  const t0 = performance.now();
  let bodySent = NaN;
  try {
    const { status, body, timing } = await new Promise<{ status: number; body: string; timing: Record<string, number> }>((resolve, reject) => {
      const req = http.request(
        `${hub.url}${path}`,
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(size) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, timing: serverTiming(res.headers['server-timing']) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.on('finish', () => (bodySent = performance.now()));
      if (!paceBytesPerSecond) createReadStream(file).on('error', reject).pipe(req);
      else sendPaced(file, req, paceBytesPerSecond).catch(reject);
    });
    const seconds = (performance.now() - t0) / 1000;
    const rss = rssMb(hub.pid);
    if (rss !== undefined && rss > rssPeakMb) rssPeakMb = rss;
    if (status !== 201) throw new Error(`upload answered ${status}: ${body.slice(0, 2000)}`);
    return {
      seconds,
      bodySentSeconds: (bodySent - t0) / 1000,
      status,
      version: JSON.parse(body) as UploadResult['version'],
      rssBeforeMb,
      rssPeakMb,
      hubCpuSeconds: (cpuSeconds(hub.pid) ?? 0) - hubCpu0,
      pgCpuSeconds: cpuDelta(pg0, pgCpu()),
      steps: timing,
    };
  } finally {
    clearInterval(sampler);
    forget();
  }
}


/** Writes the file to `req` in 64 KiB chunks, each no sooner than the pace allows, then ends it. */
async function sendPaced(file: string, req: http.ClientRequest, bytesPerSecond: number): Promise<void> {
  const started = performance.now();
  let sent = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    const due = started + (sent / bytesPerSecond) * 1000;
    const now = performance.now();
    if (due > now) await sleep(due - now);
    if (!req.write(chunk)) await new Promise((resolve) => req.once('drain', resolve));
    sent += chunk.length;
  }
  req.end();
}
