/**
 * `aimass models push DIR --name OWNER/NAME [--create] [--card FILE] [--publish]`: uploads the
 * TF.js layers model in DIR (model.json and the weight shards its manifest names) as a new draft
 * version, streamed from disk as multipart/form-data with a progress bar. Files are checked
 * locally first, so a missing shard is reported before a byte is sent; the hub checks the rest
 * (manifest against shards, and loading the model with TF.js).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliEnvironment } from './config.js';
import { graphql, ownerAndName, refused, upload, UsageError, type HubTarget } from './upload.js';

/** The files of the model in `dir`: model.json first, then its shards, each with its size. */
async function modelFiles(dir: string): Promise<{ path: string; file: string; size: number }[]> {
  const manifestFile = path.join(dir, 'model.json');
  let manifest: any;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  } catch (error) {
    throw new Error(`${manifestFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (DIR must hold model.json)' : `not valid JSON (${(error as Error).message})`}`);
  }
  const groups = Array.isArray(manifest?.weightsManifest) ? manifest.weightsManifest : [];
  const shards: string[] = groups.flatMap((g: any) => (Array.isArray(g?.paths) ? g.paths : []));
  const files = [];
  for (const p of ['model.json', ...new Set(shards)]) {
    const file = path.resolve(dir, p);
    if (!file.startsWith(path.resolve(dir) + path.sep)) throw new Error(`model.json names a weight file outside DIR: ${p}`);
    const size = await stat(file).then((s) => s.size).catch(() => undefined);
    if (size === undefined) throw new Error(`model.json names ${p}, which is not in ${dir}`);
    files.push({ path: p, file, size });
  }
  return files;
}

const CREATE = `mutation($input: CreateModelInput!) { createModel(input: $input) { id } }`;
const CARD = `mutation($o: String!, $n: String!, $v: Int!, $card: String!) { setModelCard(owner: $o, name: $n, number: $v, card: $card) { number } }`;
const PUBLISH = `mutation($o: String!, $n: String!, $v: Int!) { publishModelVersion(owner: $o, name: $n, number: $v) { number status } }`;

export async function pushModel(argv: string[], env: CliEnvironment): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      create: { type: 'boolean' },
      card: { type: 'string' },
      publish: { type: 'boolean' },
      hub: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const dir = positionals[0];
  const token = values.token ?? env.token;
  const slug = ownerAndName(values.name);
  if (!dir || !slug || !token) throw new UsageError(`${!dir ? 'DIR is required\n' : ''}${!slug ? '--name OWNER/NAME is required\n' : ''}${!token ? '--token (or AIMASS_TOKEN) is required\n' : ''}`);
  const [owner, name] = slug;
  const target: HubTarget = { hub: values.hub ?? env.hubUrl ?? 'http://localhost:4000', token };
  const files = await modelFiles(dir);
  const card = values.card === undefined ? undefined : await readFile(values.card, 'utf8');

  if (values.create) {
    try {
      await graphql(target, CREATE, { input: { owner, name } });
      process.stderr.write(`Created the model ${owner}/${name}\n`);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    }
  }

  // multipart/form-data by hand, so the body streams from disk with a known length.
  const boundary = `aimass${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  const head = (p: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${p.replace(/["\r\n]/g, '_')}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const crlf = Buffer.from('\r\n');
  const parts = files.flatMap((f) => [() => head(f.path), () => createReadStream(f.file), () => crlf]);
  const size = files.reduce((n, f) => n + head(f.path).length + f.size + crlf.length, tail.length);
  const answer = await upload(target, `/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions`, `multipart/form-data; boundary=${boundary}`, size, [...parts, () => tail]);
  if (answer.status !== 201) return refused(answer);
  const version = answer.body;
  process.stderr.write(`Version ${version.number} of ${owner}/${name} (draft): ${files.length} files\n`);

  if (card !== undefined) await graphql(target, CARD, { o: owner, n: name, v: version.number, card });
  if (values.publish) {
    await graphql(target, PUBLISH, { o: owner, n: name, v: version.number });
    version.status = 'published';
    process.stderr.write(`Published version ${version.number}\n`);
  }
  process.stdout.write(`${JSON.stringify(version, null, 2)}\n`);
  return 0;
}
