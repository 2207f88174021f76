/** `aimass datasets push FILE --name OWNER/NAME …`: streams a file as a new dataset version. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliEnvironment } from './config.js';
import { ownerAndName, refused, upload, UsageError } from './upload.js';

export async function pushDataset(argv: string[], env: CliEnvironment): Promise<number> {
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
  const slug = ownerAndName(values.name);
  if (!file || !slug || !token) throw new UsageError(`${!file ? 'FILE is required\n' : ''}${!slug ? '--name OWNER/NAME is required\n' : ''}${!token ? '--token (or AIMASS_TOKEN) is required\n' : ''}`);
  const [owner, name] = slug;
  const format = values.format ?? ({ '.tsv': 'tsv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' } as Record<string, string>)[path.extname(file).toLowerCase()] ?? 'csv';
  const size = (await stat(file)).size;
  const query = new URLSearchParams({
    format,
    ...(values['ragged-rows'] ? { raggedRows: values['ragged-rows'] } : {}),
    ...(values.decimal ? { decimal: values.decimal } : {}),
    ...(values.thousands ? { thousands: values.thousands } : {}),
    ...(values['date-order'] ? { dateOrder: values['date-order'] } : {}),
  });
  const answer = await upload({ hub, token }, `/api/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions?${query}`, 'application/octet-stream', size, [
    () => createReadStream(file),
  ]);
  if (answer.status !== 201) return refused(answer);
  const version = answer.body;
  process.stderr.write(`Version ${version.number} of ${owner}/${name}: ${version.rowCount} rows, ${version.columns.length} columns\n`);
  process.stdout.write(`${JSON.stringify(version, null, 2)}\n`);
  return 0;
}
