/**
 * Download a version as CSV (GET /api/datasets/:owner/:name/versions/:n/export.csv). A public or
 * unlisted dataset downloads through a plain link (no account needed); a private one is fetched
 * with the session's token, since a plain link carries none and the hub answers it 404.
 */
import { useState } from 'react';
import { GraphQLRequestError } from '../api/graphql-request-error';
import type { Visibility } from '../api/types';
import { downloadWithToken } from '../models/download-file';

export function exportUrl(owner: string, name: string, number: number): string {
  return `/api/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions/${number}/export.csv`;
}

export function ExportLink({ owner, name, number, visibility }: { owner: string; name: string; number: number; visibility: Visibility }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const url = exportUrl(owner, name, number);
  const fileName = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}-v${number}.csv`;
  if (visibility !== 'PRIVATE') {
    return (
      <a href={url} download={fileName} className="button secondary small" data-testid="export-csv">
        Export CSV
      </a>
    );
  }
  return (
    <span className="button-group">
      <button
        type="button"
        className="button secondary small"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await downloadWithToken(url, fileName);
          } catch (e) {
            setError(GraphQLRequestError.from(e).message);
          } finally {
            setBusy(false);
          }
        }}
        data-testid="export-csv"
      >
        {busy ? 'Exporting…' : 'Export CSV'}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
