/**
 * Upload a new version: pick the folder that holds model.json and its weight shards (or pick the
 * files themselves), see what will be sent, and send it with a progress bar. The hub checks the
 * manifest against the shards and loads the model with TF.js; what it refuses comes back with the
 * reason, beside the file it is about when it names one. A new version is a draft.
 */
import { useState } from 'react';
import { GraphQLRequestError, type FieldProblem } from '../api/graphql-request-error';
import { DataTable } from '../components/DataTable';
import { formatBytes } from '../components/format';
import { ProgressBar } from '../components/ProgressBar';
import { FormAlert } from '../forms/FormAlert';
import { SubmitButton } from '../forms/Form';
import { besideModelJson, uploadModelVersion, type PickedFile, type UploadedModelVersion } from './upload-model-version';

type Phase =
  | { kind: 'idle' }
  | { kind: 'sending'; sent: number; total: number }
  | { kind: 'failed'; message: string; fields: readonly FieldProblem[] };

export function UploadVersionForm({ owner, name, onUploaded }: { owner: string; name: string; onUploaded(version: UploadedModelVersion): void }) {
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const busy = phase.kind === 'sending';

  function choose(list: FileList | null) {
    setFiles(besideModelJson(list ? Array.from(list) : []));
    setPhase({ kind: 'idle' });
  }

  async function submit() {
    if (!files.some((file) => file.path === 'model.json')) {
      setPhase({ kind: 'failed', message: 'Choose model.json and its weight shards (or the folder that holds them).', fields: [] });
      return;
    }
    const total = files.reduce((sum, { file }) => sum + file.size, 0);
    setPhase({ kind: 'sending', sent: 0, total });
    try {
      const version = await uploadModelVersion({ owner, name, files, onProgress: (sent, all) => setPhase({ kind: 'sending', sent, total: all }) });
      setPhase({ kind: 'idle' });
      setFiles([]);
      onUploaded(version);
    } catch (error) {
      const problem = GraphQLRequestError.from(error);
      setPhase({ kind: 'failed', message: problem.message, fields: problem.fields });
    }
  }

  const problems = phase.kind === 'failed' ? phase.fields : [];
  return (
    <form
      className="form"
      noValidate
      aria-busy={busy}
      aria-labelledby="upload-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3 id="upload-heading">Upload a new version</h3>
      <p className="muted small">
        A TF.js layers model: <code>model.json</code> and the weight shards it lists. It is checked by loading it, and becomes a draft you can
        describe and then publish.
      </p>
      <FormAlert message={phase.kind === 'failed' ? phase.message : null} testId="model-upload-alert" />
      {problems.length > 0 && (
        <ul className="field-error" data-testid="model-upload-problems">
          {problems.map((problem, i) => (
            <li key={i}>
              <code>{problem.field}</code>: {problem.message}
            </li>
          ))}
        </ul>
      )}
      <div className="inline-fields">
        <div className="field">
          <label htmlFor="upload-folder">A folder</label>
          {/* webkitdirectory is not in React's types: passed through as a plain attribute. */}
          <input id="upload-folder" type="file" disabled={busy} onChange={(event) => choose(event.target.files)} {...{ webkitdirectory: '', directory: '' }} data-testid="model-upload-folder" />
        </div>
        <div className="field">
          <label htmlFor="upload-files">Or files</label>
          <input id="upload-files" type="file" multiple accept=".json,.bin,application/json,application/octet-stream" disabled={busy} onChange={(event) => choose(event.target.files)} data-testid="model-upload-files" />
        </div>
      </div>
      {files.length > 0 && (
        <DataTable
          rows={files}
          rowKey={(picked) => picked.path}
          rowAttributes={(picked) => ({ 'data-testid': 'picked-file', 'data-path': picked.path })}
          caption="Files to upload"
          testId="picked-files"
          empty=""
          columns={[
            { header: 'Path beside model.json', cell: (picked) => <code>{picked.path}</code> },
            { header: 'Size', className: 'number', cell: (picked) => formatBytes(picked.file.size) },
          ]}
        />
      )}
      <SubmitButton busy={busy} busyLabel="Uploading…" testId="model-upload-submit">
        Upload
      </SubmitButton>
      {phase.kind === 'sending' && (
        <ProgressBar
          value={phase.total > 0 ? phase.sent / phase.total : 0}
          message={phase.sent >= phase.total ? 'sent; the hub is checking and loading the model…' : `${formatBytes(phase.sent)} of ${formatBytes(phase.total)}`}
          testId="model-upload-progress"
        />
      )}
    </form>
  );
}
