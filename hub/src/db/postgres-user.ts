/**
 * Whom the embedded PostgreSQL server runs as. PostgreSQL refuses to run as root, so a hub running
 * as root (containers, CI) runs it as the `postgres` system user, made with groupadd/useradd when
 * missing, and lets that user traverse the directories above its data directory. Any other user
 * runs it as itself.
 */
import { execFile } from 'node:child_process';
import { stat, chmod } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POSTGRES_USER = 'postgres';

export interface RunAs {
  uid: number;
  gid: number;
}

async function lookUp(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Undefined when the hub is not root: the server runs as the hub's own user. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookUp(POSTGRES_USER);
  if (found) return found;
  // Two hubs starting at once may both try: "already exists" is then fine, and the look-up decides.
  await run('groupadd', ['--system', POSTGRES_USER]).catch(() => undefined);
  await run('useradd', ['--system', '--gid', POSTGRES_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_USER]).catch(
    () => undefined,
  );
  const made = await lookUp(POSTGRES_USER);
  if (!made) {
    throw new Error(
      `PostgreSQL cannot run as root, and the "${POSTGRES_USER}" user could not be created (groupadd/useradd failed): ` +
        `create it, run the hub as another user, or set AIMASS_EMBEDDED_DB=pglite`,
    );
  }
  return made;
}

/**
 * Adds the execute (traverse) bit to every directory above `dir` that `user` could not otherwise
 * enter, so the server can reach its data directory (a mkdtemp directory, for one, is 0700 root):
 * o+x on a directory of another owner and group, the usual case. Answers the directories changed.
 * Nobody gains the right to list them; files under them keep their own modes.
 */
export async function letTraverse(dir: string, user: RunAs): Promise<string[]> {
  const changed: string[] = [];
  for (let p = path.dirname(path.resolve(dir)); ; p = path.dirname(p)) {
    const s = await stat(p);
    const bit = s.uid === user.uid ? 0o100 : s.gid === user.gid ? 0o010 : 0o001;
    if ((s.mode & bit) === 0) {
      await chmod(p, (s.mode & 0o7777) | bit);
      changed.push(p);
    }
    if (p === path.dirname(p)) break;
  }
  return changed;
}
