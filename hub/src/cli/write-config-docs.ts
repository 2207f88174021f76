/** `npm run docs:config`: rewrites the configuration table in docs/configuration.md from hub/src/config.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withConfigTable } from '../config-table.js';

const page = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));
const before = readFileSync(page, 'utf8');
const after = withConfigTable(before);
if (after !== before) writeFileSync(page, after);
console.log(after === before ? 'docs/configuration.md is up to date' : 'docs/configuration.md: configuration table rewritten');
