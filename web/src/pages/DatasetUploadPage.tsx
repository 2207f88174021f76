/**
 * Uploading a new version of a dataset: a file, its format (guessed from the extension, which
 * the user may override) and what to do with ragged rows. The bytes go up with a real progress
 * bar; the hub then cleans, loads and profiles them, and answers with the ingest report, shown
 * here with a link to the new version. Problems come back as a message and, per option, beside it.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { FieldProblem } from '../api/graphql-request-error';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { formatFromFileName, uploadDatasetVersion, type RaggedPolicy, type UploadedVersion, type UploadFormat } from '../api/upload-dataset-version';
import { formatBytes, formatNumber } from '../components/format';
import { ProgressBar } from '../components/ProgressBar';
import { usePageTitle } from '../components/use-page-title';
import { datasetPath } from '../datasets/dataset-path';
import { IngestReportView } from '../datasets/IngestReportView';
import { Field } from '../forms/Field';
import { FormAlert } from '../forms/FormAlert';
import { SubmitButton } from '../forms/Form';

const FORMATS: { value: UploadFormat; label: string }[] = [
  { value: 'csv', label: 'CSV (delimiter sniffed)' },
  { value: 'tsv', label: 'TSV' },
  { value: 'jsonl', label: 'JSON Lines' },
];

const RAGGED: { value: RaggedPolicy; label: string }[] = [
  { value: 'reject', label: 'Reject the upload and list them' },
  { value: 'pad', label: 'Pad missing cells with NULL, drop extra cells' },
];

type Phase =
  | { kind: 'idle' }
  | { kind: 'sending'; sent: number; total: number }
  | { kind: 'done'; version: UploadedVersion }
  | { kind: 'failed'; message: string; fields: readonly FieldProblem[] };

export function DatasetUploadPage() {
  const { owner = '', name = '' } = useParams();
  usePageTitle(`Upload to ${owner}/${name}`);
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<UploadFormat>('csv');
  const [raggedRows, setRaggedRows] = useState<RaggedPolicy>('reject');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const busy = phase.kind === 'sending';

  function choose(next: File | null) {
    setFile(next);
    if (next) setFormat(formatFromFileName(next.name));
    if (phase.kind !== 'sending') setPhase({ kind: 'idle' });
  }

  async function submit() {
    if (!file) {
      setPhase({ kind: 'failed', message: 'Choose a file to upload.', fields: [{ field: 'file', message: 'choose a file' }] });
      return;
    }
    setPhase({ kind: 'sending', sent: 0, total: file.size });
    try {
      const version = await uploadDatasetVersion({
        owner,
        name,
        file,
        format,
        raggedRows,
        onProgress: (sent, total) => setPhase({ kind: 'sending', sent, total }),
      });
      setPhase({ kind: 'done', version });
    } catch (error) {
      const problem = GraphQLRequestError.from(error);
      setPhase({ kind: 'failed', message: problem.message, fields: problem.fields });
    }
  }

  const fieldError = (field: string) => (phase.kind === 'failed' ? phase.fields.find((problem) => problem.field === field)?.message : undefined);
  const otherProblems = phase.kind === 'failed' ? phase.fields.filter((problem) => !['file', 'format', 'raggedRows'].includes(problem.field)) : [];

  return (
    <div className="page">
      <p>
        <Link to={datasetPath(owner, name)}>
          ← {owner}/{name}
        </Link>
      </p>
      <div className="page-heading">
        <h1>Upload a version</h1>
        <p className="muted">
          A new, immutable version of <strong>{`${owner}/${name}`}</strong>: cells are trimmed, typed and checked, and the result is profiled.
        </p>
      </div>
      <section className="card">
        <form
          className="form"
          noValidate
          aria-busy={busy}
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <FormAlert message={phase.kind === 'failed' ? phase.message : null} testId="upload-alert" />
          {otherProblems.length > 0 && (
            <ul className="field-error" data-testid="upload-field-problems">
              {otherProblems.map((problem, i) => (
                <li key={i}>
                  <code>{problem.field}</code>: {problem.message}
                </li>
              ))}
            </ul>
          )}
          <Field label="File" hint={file ? `${file.name}, ${formatBytes(file.size)}` : 'CSV, TSV or JSON Lines (.csv, .tsv, .jsonl).'} error={fieldError('file')} testId="upload-file">
            {(control) => <input {...control} type="file" accept=".csv,.tsv,.tab,.txt,.jsonl,.ndjson" disabled={busy} onChange={(event) => choose(event.target.files?.[0] ?? null)} />}
          </Field>
          <div className="inline-fields">
            <Field label="Format" error={fieldError('format')} testId="upload-format">
              {(control) => (
                <select {...control} value={format} disabled={busy} onChange={(event) => setFormat(event.target.value as UploadFormat)}>
                  {FORMATS.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Rows with too many or too few cells" error={fieldError('raggedRows')} testId="upload-ragged">
              {(control) => (
                <select {...control} value={raggedRows} disabled={busy} onChange={(event) => setRaggedRows(event.target.value as RaggedPolicy)}>
                  {RAGGED.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <SubmitButton busy={busy} busyLabel="Uploading…" testId="upload-submit">
            Upload
          </SubmitButton>
        </form>
        {phase.kind === 'sending' && (
          <ProgressBar
            value={phase.total > 0 ? phase.sent / phase.total : 0}
            message={phase.sent >= phase.total ? 'sent; the hub is cleaning, loading and profiling it…' : `${formatBytes(phase.sent)} of ${formatBytes(phase.total)}`}
            testId="upload-progress"
          />
        )}
      </section>
      {phase.kind === 'done' && (
        <section className="card" aria-labelledby="uploaded-heading" data-testid="upload-result">
          <h2 id="uploaded-heading">
            Version {phase.version.number} uploaded: {formatNumber(phase.version.rowCount)} rows
          </h2>
          <p>
            <Link to={datasetPath(owner, name, `?version=${phase.version.number}`)} className="button" data-testid="open-version">
              Open version {phase.version.number}
            </Link>
          </p>
          <IngestReportView report={phase.version.ingestReport} />
        </section>
      )}
    </div>
  );
}
