/**
 * A directory for a Unix socket that only its owner may enter (0700), so that the socket in it is
 * reachable by the hub's user alone.
 *
 * A Unix socket path is limited to 107 bytes (`sun_path` is 108 with its NUL). When
 * `<preferred>/<socketName>` is longer, the directory is a fresh private one under the system's
 * temporary directory instead (`temporary: true`; the caller removes it when done).
 */
import { chmod, chown, mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const MAX_SOCKET_PATH_BYTES = 107;

/** Prefix of the temporary socket directories, so that one left behind by a killed hub is recognised. */
export const TEMPORARY_SOCKET_DIR_PREFIX = 'aimass-sock-';

export interface SocketDirectory {
  dir: string;
  temporary: boolean;
}

export async function privateSocketDirectory(
  preferred: string,
  socketName: string,
  owner?: { uid: number; gid: number },
): Promise<SocketDirectory> {
  const fits = Buffer.byteLength(path.join(preferred, socketName)) <= MAX_SOCKET_PATH_BYTES;
  let dir = preferred;
  if (fits) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), TEMPORARY_SOCKET_DIR_PREFIX));
    if (Buffer.byteLength(path.join(dir, socketName)) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`no directory short enough for a Unix socket: ${preferred} and ${os.tmpdir()} are both too long`);
    }
  }
  // mkdir's mode does not apply to a directory that exists already (and is masked by the umask).
  await chmod(dir, 0o700);
  if (owner) await chown(dir, owner.uid, owner.gid);
  return { dir, temporary: !fits };
}
