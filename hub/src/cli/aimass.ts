/**
 * `npm run aimass -- <command>`: the command-line client.
 *
 *   datasets push FILE --name OWNER/NAME [--format csv|tsv|jsonl|parquet] [--ragged-rows reject|pad] [--decimal D] [--thousands T]
 *
 * Talks to the hub at --hub (or AIMASS_HUB_URL, default http://localhost:4000) with --token (or
 * AIMASS_TOKEN: a session token or an API key with datasets:write). The file is streamed, never
 * read whole, with a progress bar on stderr; the ingest report is printed as JSON on stdout.
 * Exit codes: 0 done, 1 the hub refused (its error is printed), 64 bad command line.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliEnvironment, type CliEnvironment } from './config.js';

const USAGE = `Usage: npm run aimass -- datasets push FILE --name OWNER/NAME [--format csv|tsv|jsonl|parquet] [--ragged-rows reject|pad]
                      [--decimal point|comma] [--thousands none|comma|point|space|apostrophe]
                      [--date-order YMD|DMY|MDY] [--hub URL] [--token TOKEN]

  --hub     hub URL (env AIMASS_HUB_URL, default http://localhost:4000)
  --token   session token or API key with datasets:write (env AIMASS_TOKEN)`;

class UsageError extends Error {}

function progressBar(sent: number, total: number, startedAt: number): string {
  const width = 30;
  const done = total === 0 ? 1 : sent / total;
  const filled = Math.round(done * width);
  const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}%  ${mb(sent)}/${mb(total)} MB  ${mb(sent / seconds)} MB/s`;
}

async function pushDataset(argv: string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      format: { type: 'string' },
      'ragged-rows': { type: 'string' },
      decimal: { type: 'string' },
      thousands: { type: 'string' },
      'date-order': { type: 'string' },
      hub: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const file = positionals[0];
  const token = values.token ?? env.token;
  const hub = values.hub ?? env.hubUrl ?? 'http://localhost:4000';
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(values.name ?? '');
  if (!file || !match || !token) throw new UsageError(`${!file ? 'FILE is required\n' : ''}${!match ? '--name OWNER/NAME is required\n' : ''}${!token ? '--token (or AIMASS_TOKEN) is required\n' : ''}`);
  const format = values.format ?? ({ '.tsv': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' } as Record<string, string>)[path.extname(file).toLowerCase()] ?? 'csv';
  const size = (await stat(file)).size;
  const query = new URLSearchParams({
    format,
    ...(values['ragged-rows'] ? { raggedRows: values['ragged-rows'] } : {}),
    ...(values.decimal ? { decimal: values.decimal } : {}),
    ...(values.thousands ? { thousands: values.thousands } : {}),
    ...(values['date-order'] ? { dateOrder: values['date-order'] } : {}),
  });
  const url = new URL(`/api/datasets/${encodeURIComponent(match[1])}/${encodeURIComponent(match[2])}/versions?${query}`, hub);
  const startedAt = Date.now();
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': size },
    });
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    let sent = 0;
    let drawnAt = 0;
    const source = createReadStream(file);
    source.on('data', (chunk) => {
      sent += chunk.length;
      if (Date.now() - drawnAt > 100 || sent === size) {
        drawnAt = Date.now();
        process.stderr.write(progressBar(sent, size, startedAt));
      }
    });
    source.on('error', reject);
    source.pipe(request);
  });
  process.stderr.write('\n');
  let parsed: any;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = { error: { code: 'INTERNAL', message: body.slice(0, 500) } };
  }
  if (status !== 201) {
    process.stderr.write(`The hub refused the upload (${status}): ${parsed.error?.code}: ${parsed.error?.message}\n`);
    for (const f of parsed.error?.fields ?? []) process.stderr.write(`  ${f.field}: ${f.message}\n`);
    return 1;
  }
  process.stderr.write(`Version ${parsed.number} of ${match[1]}/${match[2]}: ${parsed.rowCount} rows, ${parsed.columns.length} columns\n`);
  process.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'datasets' && argv[1] === 'push') return await pushDataset(argv.slice(2), cliEnvironment());
    throw new UsageError(argv.length ? `Unknown command: ${argv.slice(0, 2).join(' ')}\n` : '');
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      return 64;
    }
    process.stderr.write(`aimass: ${(error as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
