/** The hub's door for a `predict` job as its agent sees it: the row stream in chunks and the predictions posted back. */
import { expect } from 'vitest';

export function predictDoor(hubUrl: string, assign: { jobId: string; jobToken: string }, chunkRows: number) {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${hubUrl}/api/jobs/${assign.jobId}${path}`, { ...init, headers: { authorization: `Bearer ${assign.jobToken}`, ...(init.headers ?? {}) } });
  return {
    /** Every chunk of the row stream, as the agent receives it (the raw JSON text too). */
    async readAll(): Promise<{ columns: string[]; rows: unknown[][]; texts: string[] }> {
      const rows: unknown[][] = [];
      const texts: string[] = [];
      let columns: string[] = [];
      for (;;) {
        const res = await call(`/ml/rows?offset=${rows.length}&limit=${chunkRows}`);
        expect(res.status).toBe(200);
        const text = await res.text();
        texts.push(text);
        const chunk = JSON.parse(text);
        columns = chunk.columns;
        rows.push(...chunk.rows);
        if (chunk.rows.length < chunkRows) break;
      }
      return { columns, rows, texts };
    },
    post: (offset: number, outputs: unknown[]) =>
      call('/ml/predictions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset, outputs }) }),
  };
}
