/** The README is the newcomer's map: it must not drift from the code it describes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../hub/src/config.js';
import { ROOT } from './support/spawn-hub.js';

const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'));

describe('README', () => {
  it('starts with the two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    expect(firstBlock.trim().split('\n')).toEqual(['npm install', 'npm start']);
    expect(readme).toContain('npm test');
  });

  it('documents every configuration variable with its default', () => {
    for (const [name, variable] of Object.entries(VARIABLES)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(variable.default === undefined ? '(unset)' : `\`${variable.default}\``);
    }
  });

  it('names only npm scripts that exist', () => {
    for (const [, script] of readme.matchAll(/npm run ([a-z:]+)/g)) expect(pkg.scripts, script).toHaveProperty(script);
  });
});
