/**
 * Runs once per `vitest run`: finds or starts PostgreSQL, and prepares two migrated templates
 * that every test hub copies (see STACK.md, "Keeping the test suite fast"):
 * - a PostgreSQL database `aimass_template` (each hub gets `CREATE DATABASE … TEMPLATE`);
 * - a PGlite data directory (each hub gets a copy; creating one costs ~5 s).
 * With DATABASE_URL set (CI's .ci/run does) that server is used; otherwise test/support/postgres.sh
 * starts a throwaway one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ROOT, assertBuilt, spawnHub } from './spawn-hub.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
    pgliteTemplate: string;
  }
}

export const TEMPLATE_DB = 'aimass_template';

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export default async function setup(project: TestProject) {
  assertBuilt();
  let adminUrl = process.env.DATABASE_URL;
  let pgdata: string | undefined;
  if (!adminUrl) {
    const out = execFileSync(path.join(ROOT, 'test/support/postgres.sh'), ['start'], { encoding: 'utf8' });
    adminUrl = /^DATABASE_URL=(.*)$/m.exec(out)![1];
    pgdata = /^PGDATA=(.*)$/m.exec(out)![1];
  }
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const pgliteTemplate = mkdtempSync(path.join(os.tmpdir(), 'aimass-pglite-template-'));
  // Migrate both templates by starting a real hub on each, then stopping it.
  const hubs = await Promise.all([
    // A first PGlite data directory takes minutes on a loaded machine, not the usual seconds.
    spawnHub({ DATABASE_URL: databaseUrl(adminUrl, TEMPLATE_DB) }, [], 300_000),
    spawnHub({ AIMASS_DATA_DIR: pgliteTemplate }, [], 300_000),
  ]);
  await Promise.all(hubs.map((hub) => hub.stop()));

  project.provide('postgresAdminUrl', adminUrl);
  project.provide('postgresTemplate', TEMPLATE_DB);
  project.provide('pgliteTemplate', pgliteTemplate);

  return async () => {
    rmSync(pgliteTemplate, { recursive: true, force: true });
    if (pgdata) execFileSync(path.join(ROOT, 'test/support/postgres.sh'), ['stop', pgdata]);
  };
}
