/** What the benchmark submission tests share (test/leaderboards*.test.ts). */

/** Rows per chunk the hub streams to an evaluation run (AIMASS_TRAIN_CHUNK_ROWS of their hubs). */
export const CHUNK_ROWS = 40;
/** A regression dataset whose price is a plane in a and b plus a little noise. */
export const houses = Array.from({ length: 100 }, (_, i) => ({ a: i % 9, b: (i * 4) % 7, c: (i * 2) % 5, price: 5000 + (i % 9) * 3 + ((i * 4) % 7) + ((i * 37) % 11) * 0.25 + 0.0173 }));
export const csv = (rows: Record<string, unknown>[]) => [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\n') + '\n';
/** The raw agent's regression predictions: the plane without the noise. */
export const plane = (row: unknown[]) => [5000 + Number(row[0]) * 3 + Number(row[1])];
export const SUBMIT = `mutation($b: BenchmarkRefInput!, $m: ModelVersionRefInput!) { submitToBenchmark(benchmark: $b, model: $m) { id status model modelVersion submitter } }`;
