/**
 * The spool (ingest/spool.ts): its UTF-8 verdict checked chunk by chunk against a fatal
 * TextDecoder over the whole body, whatever the chunking; its file read while it is written gives
 * the body's bytes; a reader that waits longer than it may is told to read the body whole.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../evaluation/metrics/seeded-random.js';
import { ReadAgainWhole, startSpool } from '../ingest/spool.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aimass-spool-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
const file = () => path.join(dir, `${++files}.upload`);

const isUtf8Whole = (bytes: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** The body cut at random places (sequences split across chunks included). */
function chunked(bytes: Buffer, random: () => number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * 7);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

const read = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
};

describe('spool', () => {
  it('says UTF-8 exactly when a fatal decoder of the whole body does, however the body is chunked', async () => {
    const random = seededRandom(7);
    // Valid text of 1- to 4-byte characters, then damaged: a byte dropped, a stray continuation or
    // lead byte, a surrogate, an overlong form, a truncated end.
    const texts = ['a', 'é', '€', '😀', 'abc,déf\n', 'ok'];
    const damage = [Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xf8, 0x88, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];
    let valid = 0;
    let invalid = 0;
    for (let round = 0; round < 300; round++) {
      const parts: Buffer[] = [];
      for (let k = 0; k < 20; k++) parts.push(Buffer.from(texts[Math.floor(random() * texts.length)]));
      if (random() < 0.5) parts.splice(Math.floor(random() * parts.length), 0, damage[Math.floor(random() * damage.length)]);
      const body = Buffer.concat(parts);
      const spooled = await startSpool(Readable.from(chunked(body, random)), file(), 1 << 20).done;
      const expected = isUtf8Whole(body);
      expect(spooled.encoding, body.toString('hex')).toBe(expected ? 'utf8' : 'latin1');
      expect(spooled.bytes).toBe(body.length);
      if (expected) valid++;
      else invalid++;
    }
    expect(valid).toBeGreaterThan(50);
    expect(invalid).toBeGreaterThan(50);
  });

  it('reads the file as it is written, to the body\'s last byte', async () => {
    const body = new PassThrough();
    const into = file();
    const spooling = startSpool(body, into, 1 << 24);
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7}\n`).join(''));
    const reading = read(spooling.file(60_000).stream(4096));
    // Fed after the reader started: it waits for bytes rather than ending at what is in the file.
    for (let at = 0; at < bytes.length; at += 100_000) {
      body.write(bytes.subarray(at, at + 100_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    body.end();
    expect((await reading).equals(bytes)).toBe(true);
    const spooled = await spooling.done;
    expect(spooled.bytes).toBe(bytes.length);
    expect((await spooling.head).head.equals(bytes.subarray(0, 64 * 1024))).toBe(true);
    // Once the body is in, a reader reads the file whole.
    expect((await read(spooling.file(0).stream())).equals(await readFile(into))).toBe(true);
  });

  it('calls a body fast when it is small, all in, or came at the pace asked for; never when its length is unknown', async () => {
    const small = startSpool(Readable.from([Buffer.alloc(1000, 0x61)]), file(), 1 << 24);
    expect(await small.fast(1000, 1e9)).toBe(true);
    const sample = Buffer.alloc(6 * 1024 * 1024, 0x61);
    // 6 MiB in 64 KiB pieces, each on its own turn of the event loop (the pace is taken from the
    // second MiB to the fifth), then nothing: no faster than a terabyte a second, faster than a byte a second.
    const stalled = new PassThrough();
    const paused = startSpool(stalled, file(), 1 << 30);
    for (let at = 0; at < sample.length; at += 64 * 1024) {
      stalled.write(sample.subarray(at, at + 64 * 1024));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await paused.fast(100 * 1024 * 1024, 1e12)).toBe(false);
    expect(await paused.fast(100 * 1024 * 1024, 1)).toBe(true);
    expect(await paused.fast(undefined, 1)).toBe(false);
    // A declared length under the sample is fast whatever its pace (nothing came here at all).
    expect(await startSpool(new PassThrough(), file(), 1 << 30).fast(1000, 1e12)).toBe(true);
    stalled.end();
    await paused.done;
  });

  it('tells a reader that waits past its allowance to read the body whole, and a reader of a failed body why it failed', async () => {
    const body = new PassThrough();
    const spooling = startSpool(body, file(), 1000);
    body.write(Buffer.from('a,b\n1,2\n'));
    await expect(read(spooling.file(50).stream())).rejects.toBeInstanceOf(ReadAgainWhole);
    const reading = read(spooling.file(60_000).stream());
    body.write(Buffer.alloc(2000, 0x61));
    const failure = await spooling.done.catch((error: unknown) => error);
    expect(failure).toMatchObject({ message: 'The upload is larger than 1000 bytes' });
    await expect(reading).rejects.toBe(failure);
  });
});
