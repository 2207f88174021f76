/**
 * The changelog a promoted version is published with (its model card): when it became
 * production and over which version, the data both trained on, and every metric side by side
 * with the decision's sentence.
 */
import type { ComparisonMethod, MetricComparison } from './promotion-comparison.entity.js';
import { shown } from './promotion-rule.js';

export interface ChangelogInput {
  version: number;
  champion: number | null;
  at: Date;
  method: ComparisonMethod;
  dataVersions: readonly string[];
  championDataVersions: readonly string[];
  scores: readonly MetricComparison[];
  reason: string;
}

const cell = (x: number | null) => (x === null ? '—' : shown(x));
const list = (refs: readonly string[]) => (refs.length ? refs.map((r) => `\`${r}\``).join(', ') : 'not recorded');

export function changelog(c: ChangelogInput): string {
  const on = c.method === 'benchmark' ? 'the verified scores of the benchmark the model is entered in' : c.method === 'holdout' ? 'a holdout of data neither version trained on' : 'no data (there was no production version to compare with)';
  const lines = [
    `## Changelog: version ${c.version}`,
    '',
    `Promoted to production on ${c.at.toISOString().slice(0, 10)}${c.champion === null ? ' (the first production version)' : `, replacing version ${c.champion}`}, compared on ${on}.`,
    '',
    `**Decision:** ${c.reason}.`,
    '',
    '### Data',
    '',
    `- Version ${c.version} trained on ${list(c.dataVersions)}`,
  ];
  if (c.champion !== null) lines.push(`- Version ${c.champion} trained on ${list(c.championDataVersions)}`);
  const scored = c.scores.filter((s) => s.challenger !== null || s.champion !== null);
  if (scored.length > 0) {
    lines.push('', '### Metrics', '', `| metric | ${c.champion === null ? '' : `version ${c.champion} | `}version ${c.version} |`, `| --- | ${c.champion === null ? '' : '---: | '}---: |`);
    for (const s of scored) {
      const words = `${s.words}${s.lowerIsBetter ? ' (lower is better)' : ''}`;
      lines.push(`| ${words} | ${c.champion === null ? '' : `${cell(s.champion)} | `}${cell(s.challenger)} |`);
    }
  }
  return lines.join('\n');
}
