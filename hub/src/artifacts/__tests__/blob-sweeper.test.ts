import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobSweeper } from '../blob-sweeper.js';
import { FsArtifactStore } from '../fs-artifact-store.js';

const DAY = 86_400_000;

describe('BlobSweeper', () => {
  let root: string;
  let store: FsArtifactStore;
  /** The hashes "rows" name, as a domain's BlobReferences would report them. */
  let named: Set<string>;
  let sweeper: BlobSweeper;
  const put = async (text: string) => (await store.put(Readable.from([Buffer.from(text)]))).sha256;
  const age = async (sha: string, ms: number) => {
    const when = new Date(Date.now() - ms);
    await utimes(path.join(root, sha.slice(0, 2), sha.slice(2, 4), sha), when, when);
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'sweeper-'));
    store = new FsArtifactStore(root);
    named = new Set();
    sweeper = new BlobSweeper(store, [async (shas) => new Set(shas.filter((s) => named.has(s)))]);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('deletes only the given blobs that no row names', async () => {
    const [kept, gone, other] = await Promise.all([put('kept'), put('gone'), put('other')]);
    named.add(kept);
    expect(await sweeper.deleteUnreferenced([kept, gone, gone])).toBe(1);
    expect(await store.has(kept)).toBe(true);
    expect(await store.has(gone)).toBe(false);
    expect(await store.has(other)).toBe(true); // not asked about
  });

  it('sweeps orphans older than the age limit, sparing named and young blobs', async () => {
    const [orphan, young, used] = await Promise.all([put('orphan'), put('young'), put('used')]);
    named.add(used);
    await age(orphan, 2 * DAY);
    await age(used, 2 * DAY);
    await age(young, DAY / 2);
    expect(await sweeper.sweepOrphans(DAY)).toBe(1);
    expect(await store.has(orphan)).toBe(false);
    expect(await store.has(young)).toBe(true);
    expect(await store.has(used)).toBe(true);
  });

  it('treats a blob put again as young: an upload reusing old bytes keeps them', async () => {
    const sha = await put('reused');
    await age(sha, 2 * DAY);
    expect(await put('reused')).toBe(sha);
    expect(await sweeper.sweepOrphans(DAY)).toBe(0);
    expect(await store.has(sha)).toBe(true);
  });

  it('asks every reference source', async () => {
    const [a, b] = await Promise.all([put('a'), put('b')]);
    await age(a, 2 * DAY);
    await age(b, 2 * DAY);
    const two = new BlobSweeper(store, [async (s) => new Set(s.filter((x) => x === a)), async (s) => new Set(s.filter((x) => x === b))]);
    expect(await two.sweepOrphans(DAY)).toBe(0);
    const listed: string[] = [];
    for await (const blob of store.list()) listed.push(blob.sha256);
    expect(listed.sort()).toEqual([a, b].sort());
  });
});
