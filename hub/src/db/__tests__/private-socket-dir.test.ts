import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SOCKET_PATH_BYTES, privateSocketDirectory, TEMPORARY_SOCKET_DIR_PREFIX } from '../private-socket-dir.js';

const SOCKET = '.s.PGSQL.5432';

describe('privateSocketDirectory', () => {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('makes the preferred directory 0700, even when it exists with a wider mode', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sock-'));
    made.push(root);
    const first = await privateSocketDirectory(path.join(root, 'socket'), SOCKET);
    expect(first).toEqual({ dir: path.join(root, 'socket'), temporary: false });
    expect((await stat(first.dir)).mode & 0o777).toBe(0o700);
  });

  it('uses a private temporary directory when the socket path would pass 107 bytes', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sock-'));
    made.push(root);
    const deep = path.join(root, 'x'.repeat(MAX_SOCKET_PATH_BYTES));
    const chosen = await privateSocketDirectory(deep, SOCKET);
    made.push(chosen.dir);
    expect(chosen.temporary).toBe(true);
    expect(path.dirname(chosen.dir)).toBe(os.tmpdir());
    expect(path.basename(chosen.dir).startsWith(TEMPORARY_SOCKET_DIR_PREFIX)).toBe(true);
    expect(Buffer.byteLength(path.join(chosen.dir, SOCKET))).toBeLessThanOrEqual(MAX_SOCKET_PATH_BYTES);
    expect((await stat(chosen.dir)).mode & 0o777).toBe(0o700);
  });
});
