/**
 * A version's files (model.json and its weight shards) with their sizes, sha256 and download
 * links. The links are the URLs `tf.loadLayersModel` reads; a private model's files are fetched
 * with the session's token instead (see downloadWithToken).
 */
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatBytes } from '../components/format';
import { useRowAction } from '../components/use-row-action';
import { downloadWithToken } from './download-file';
import { modelFileUrl } from './model-path';
import type { ModelFile, Visibility } from './types';

export interface FilesTableProps {
  owner: string;
  name: string;
  number: number;
  visibility: Visibility;
  files: ModelFile[];
}

export function FilesTable({ owner, name, number, visibility, files }: FilesTableProps) {
  const rowAction = useRowAction();
  const total = files.reduce((sum, file) => sum + file.size, 0);
  // model.json first, then the shards in order.
  const sorted = [...files].sort((a, b) => (a.path === 'model.json' ? -1 : b.path === 'model.json' ? 1 : a.path.localeCompare(b.path, undefined, { numeric: true })));
  return (
    <>
      <ErrorMessage error={rowAction.error} />
      <DataTable
        rows={sorted}
        rowKey={(file) => file.path}
        rowAttributes={(file) => ({ 'data-testid': 'file-row', 'data-path': file.path })}
        caption={`Files of version ${number}`}
        testId="files-table"
        empty="No files."
        columns={[
          {
            header: 'File',
            cell: (file) => {
              const url = modelFileUrl(owner, name, number, file.path);
              const fileName = file.path.split('/').pop() ?? file.path;
              return (
                <a
                  href={url}
                  download={fileName}
                  onClick={(event) => {
                    if (visibility !== 'PRIVATE') return;
                    event.preventDefault();
                    void rowAction.run(file.path, 'download', () => downloadWithToken(url, fileName));
                  }}
                  data-testid="file-link"
                >
                  {file.path}
                </a>
              );
            },
          },
          { header: 'Size', className: 'number', cell: (file) => <span title={`${file.size.toLocaleString()} bytes`}>{formatBytes(file.size)}</span> },
          { header: 'SHA-256', cell: (file) => <code className="hash" title={file.sha256}>{file.sha256.slice(0, 12)}…</code> },
        ]}
      />
      <p className="muted small" data-testid="files-total">
        {files.length} files, {formatBytes(total)} in all.
      </p>
    </>
  );
}
