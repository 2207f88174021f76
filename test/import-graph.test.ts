/**
 * The hub's import graph keeps its shape (docs/hub-modules.md): no circles, domains meet only
 * through each other's index.ts, the ground floor uses no domain, nothing reaches back into the
 * wiring, the agent imports nothing of the hub. The rules are .dependency-cruiser.cjs; this runs
 * them over hub/src and node-agent/src, and over a small tree that breaks them, so a rule that
 * stopped matching would fail here too.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/spawn-hub.js';

const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: { name: string }[];
}

/** Every violation of the rules over `paths`, as one line each: "rule: from → to" (a circle lists its files). */
async function violations(cwd: string, paths: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [DEPCRUISE, ...paths, '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    // depcruise exits non-zero when it finds violations; the JSON is still on stdout.
    if (error.stdout) return { stdout: error.stdout };
    throw error;
  });
  const found: Violation[] = JSON.parse(stdout).summary.violations;
  return found.map((v) => `${v.rule.name}: ${v.from} → ${v.cycle ? v.cycle.map((step) => step.name).join(' → ') : v.to}`);
}

describe('The import graph', () => {
  it('of hub/src and node-agent/src keeps every rule', async () => {
    expect(await violations(ROOT, ['hub/src', 'node-agent/src'])).toEqual([]);
  });

  describe('rules, over a tree that breaks each once', () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'import-graph-'));
    afterAll(() => rmSync(tree, { recursive: true, force: true }));
    const files: Record<string, string> = {
      'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true }, include: ['hub', 'node-agent'] }),
      // training reaches into compute's scheduler instead of compute/index.ts, and the scheduler imports training back: a circle.
      'hub/src/training/index.ts': "export { run } from './run.js';",
      'hub/src/training/run.ts': "import { lease } from '../compute/scheduler.js';\nexport const run = lease;",
      'hub/src/compute/index.ts': "export { lease } from './scheduler.js';",
      'hub/src/compute/scheduler.ts': "import { run } from '../training/index.js';\nexport const lease = 1;\nexport const again = () => run;",
      // The ground floor uses a domain.
      'hub/src/db/rows.ts': "import { lease } from '../compute/index.js';\nexport const rows = lease;",
      // A door knows more of accounts than who is calling.
      'hub/src/graphql/context.ts': "import type { Principal } from '../accounts/principal.js';\nimport { sessions } from '../accounts/sessions.js';\nexport type Caller = Principal;\nexport const s = sessions;",
      'hub/src/accounts/principal.ts': 'export interface Principal { id: string }',
      'hub/src/accounts/sessions.ts': 'export const sessions = 1;',
      // A domain reaches back into the wiring.
      'hub/src/services.ts': "import { lease } from './compute/index.js';\nexport const services = { lease };",
      'hub/src/sql/index.ts': "import { services } from '../services.js';\nexport const sql = services;",
      // The agent imports the hub.
      'node-agent/src/main.ts': "import { lease } from '../../hub/src/compute/index.js';\nexport const main = lease;",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
      writeFileSync(path.join(tree, file), `${text}\n`);
    }
    const found = violations(tree, ['hub/src', 'node-agent/src']);

    it('refuse a domain importing another domain’s internals', async () => {
      expect(await found).toContain('no-domain-internals: hub/src/training/run.ts → hub/src/compute/scheduler.ts');
    });

    it('refuse an import circle, listing its files', async () => {
      expect(await found).toContainEqual(expect.stringMatching(/^no-circular: .*hub\/src\/compute\/scheduler\.ts.*hub\/src\/training\/index\.ts/));
    });

    it('refuse the ground floor using a domain', async () => {
      expect(await found).toContain('floor-imports-no-domain: hub/src/db/rows.ts → hub/src/compute/index.ts');
    });

    it('refuse a door knowing more of a domain than who is calling', async () => {
      const doors = (await found).filter((v) => v.startsWith('doors-know-only-identity'));
      expect(doors).toEqual(['doors-know-only-identity: hub/src/graphql/context.ts → hub/src/accounts/sessions.ts']);
    });

    it('refuse reaching back into the wiring', async () => {
      expect(await found).toContain('nothing-imports-wiring: hub/src/sql/index.ts → hub/src/services.ts');
    });

    it('refuse the agent importing the hub', async () => {
      expect(await found).toContain('agent-imports-no-hub: node-agent/src/main.ts → hub/src/compute/index.ts');
    });
  });
});
