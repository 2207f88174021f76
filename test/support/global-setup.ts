/**
 * Runs once per `vitest run`: finds or starts PostgreSQL, and prepares two migrated templates
 * that every test hub copies (see STACK.md, "Keeping the test suite fast"):
 * - a PostgreSQL database `aimass_template` (each hub gets `CREATE DATABASE … TEMPLATE`);
 * - a data directory holding the embedded PostgreSQL cluster, made by starting and stopping a real
 *   hub on it (each `embedded` hub gets a `cp -a` copy, ownership and modes kept for the server).
 * PGlite hubs (the fallback, tested alone) start on a fresh data directory.
 * With DATABASE_URL set (CI's .ci/run does) that server is used; otherwise test/support/postgres.sh
 * starts a throwaway one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { stopEmbeddedServer } from './embedded-server.js';
import { ROOT, assertBuilt, spawnHub } from './spawn-hub.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
    embeddedTemplate: string;
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
  const embeddedTemplate = mkdtempSync(path.join(os.tmpdir(), 'aimass-embedded-template-'));
  // Migrate both templates by starting a real hub on each, then stopping it (which stops the
  // embedded server cleanly: the copies start without recovery).
  const hubs = await Promise.all([
    // The first start of a template takes minutes on a loaded machine, not the usual seconds.
    spawnHub({ DATABASE_URL: databaseUrl(adminUrl, TEMPLATE_DB) }, [], 300_000),
    spawnHub({ AIMASS_DATA_DIR: embeddedTemplate }, [], 300_000),
  ]);
  await Promise.all(hubs.map((hub) => hub.stop()));
  // A hub too slow to stop is killed, and its server would run on in the template.
  await stopEmbeddedServer(embeddedTemplate);

  project.provide('postgresAdminUrl', adminUrl);
  project.provide('postgresTemplate', TEMPLATE_DB);
  project.provide('embeddedTemplate', embeddedTemplate);

  return async () => {
    rmSync(embeddedTemplate, { recursive: true, force: true });
    if (pgdata) execFileSync(path.join(ROOT, 'test/support/postgres.sh'), ['stop', pgdata]);
  };
}
