/**
 * The README and docs/ are the newcomer's map: they must not drift from the code they describe.
 * The README is a front page that starts with the two commands; docs/ holds the reference, its
 * configuration table generated from hub/src/config.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RETIRED, VARIABLES } from '../hub/src/config.js';
import { withConfigTable } from '../hub/src/config-table.js';
import { ROOT } from './support/spawn-hub.js';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const markdownUnder = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const file = `${dir}/${name}`;
    if (statSync(path.join(ROOT, file)).isDirectory()) return markdownUnder(file);
    return name.endsWith('.md') ? [file] : [];
  });

const readme = read('README.md');
const pages = ['README.md', ...markdownUnder('docs')].map((file) => ({ file, text: read(file) }));
const pkg = JSON.parse(read('package.json'));

/** Pages other parts of the work write; linked from the index before they land on this branch. */
const PAGES_WRITTEN_ELSEWHERE = ['docs/ground-floor.md', 'docs/hub-modules.md', 'docs/live-events.md', 'docs/portal-types.md'];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (text: string) =>
  new Set(
    text
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

describe('README', () => {
  it('starts with the two commands and names npm test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1];
    expect(firstBlock.trim().split('\n')).toEqual(['npm install', 'npm start']);
    expect(readme).toContain('npm test');
  });

  it('stays a front page', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });
});

describe('docs', () => {
  it('documents every configuration variable: the table in docs/configuration.md is the generated one', () => {
    const page = read('docs/configuration.md');
    expect(page, 'run npm run docs:config').toBe(withConfigTable(page));
    for (const [name, variable] of Object.entries(VARIABLES)) {
      const row = page.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toContain(variable.default === undefined ? '(unset)' : `\`${variable.default}\``);
    }
  });

  it('names only npm scripts that exist', () => {
    for (const { file, text } of pages) {
      for (const [, script] of text.matchAll(/npm run ([a-z:]+)/g)) expect(pkg.scripts, `${file}: npm run ${script}`).toHaveProperty(script);
    }
  });

  it('names only AIMASS_ variables that something reads', () => {
    // The hub's (config.ts), the agent's and the CLI's, and the ones docker-compose.yml and CI take.
    const elsewhere = ['node-agent/src/config.ts', 'hub/src/cli/config.ts', 'docker-compose.yml', '.ci/run'].map(read).join('\n');
    const known = new Set([...Object.keys(VARIABLES), ...Object.keys(RETIRED), ...elsewhere.matchAll(/AIMASS_[A-Z0-9_]+/g)].map(String));
    for (const { file, text } of pages) {
      for (const [name] of text.matchAll(/\bAIMASS_[A-Z0-9_]*[A-Z0-9]/g)) expect(known.has(name), `${file} names ${name}`).toBe(true);
    }
  });

  it('links only to files and headings that exist', () => {
    for (const { file, text } of pages) {
      const prose = text.replace(/```[\s\S]*?```/g, '');
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
        const [pathPart, anchor] = target.split('#');
        const resolved = pathPart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), pathPart));
        if (PAGES_WRITTEN_ELSEWHERE.includes(resolved) && !existsSync(path.join(ROOT, resolved))) continue;
        expect(existsSync(path.join(ROOT, resolved)), `${file} links to ${target}`).toBe(true);
        if (anchor && resolved.endsWith('.md')) expect(anchorsOf(read(resolved)).has(anchor), `${file} links to ${target}`).toBe(true);
      }
    }
  });

  it('says what is, not what an issue said would come', () => {
    for (const { file, text } of pages) {
      expect(text, file).not.toMatch(/\b(not built yet|next step|coming next|will be added|will come|for now|today)\b/i);
    }
  });

  it('indexes every page in docs/README.md', () => {
    const index = read('docs/README.md');
    for (const { file } of pages.filter((page) => page.file.startsWith('docs/') && page.file !== 'docs/README.md')) {
      expect(index, file).toContain(`](${file.slice('docs/'.length)})`);
    }
    for (const file of PAGES_WRITTEN_ELSEWHERE) expect(index, file).toContain(`](${file.slice('docs/'.length)})`);
  });
});
