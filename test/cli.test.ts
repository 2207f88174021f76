/** The `aimass` command-line client against a real hub. */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { ROOT } from './support/spawn-hub.js';
import { signUp, type SignedUp } from './support/users.js';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/hub/src/cli/aimass.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('aimass datasets push', () => {
  let hub: TestHub;
  let user: SignedUp;
  let dir: string;
  beforeAll(async () => {
    hub = await startTestHub();
    user = await signUp(hub);
    dir = await mkdtemp(path.join(os.tmpdir(), 'aimass-cli-'));
  });
  afterAll(() => hub?.close());

  it('uploads a file as a new version with a progress bar and prints the ingest report', async () => {
    await createDataset(hub, user.token, { name: 'pushed' });
    const file = path.join(dir, 'data.csv');
    await writeFile(file, ['a,b', ...Array.from({ length: 5000 }, (_, i) => `${i},x${i % 7}`)].join('\n'));
    const run = await cli(['datasets', 'push', file, '--name', `${user.username}/pushed`, '--hub', hub.url], { AIMASS_TOKEN: user.token });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[#{30}\] 100%/);
    expect(run.stderr).toContain(`Version 1 of ${user.username}/pushed: 5000 rows, 2 columns`);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ number: 1, rowCount: 5000, ingestReport: { format: 'csv' } });
    const version = await hub.graphql(`query($o: String!) { datasetVersion(owner: $o, name: "pushed") { number rowCount } }`, { o: user.username }, user.token);
    expect(version.data.datasetVersion).toEqual({ number: 1, rowCount: 5000 });
  });

  it('reports what the hub refused, and explains bad usage', async () => {
    const file = path.join(dir, 'x.csv');
    await writeFile(file, 'a\n1\n');
    const missing = await cli(['datasets', 'push', file, '--name', `${user.username}/nope`, '--hub', hub.url, '--token', user.token]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The hub refused the upload \(404\): NOT_FOUND: Dataset not found/);
    const usage = await cli(['datasets', 'push', file]);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/--name OWNER\/NAME is required[\s\S]*--token \(or AIMASS_TOKEN\) is required[\s\S]*Usage: npm run aimass/);
  });
});
