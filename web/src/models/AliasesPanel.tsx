/**
 * A model's aliases (`production`, `staging`…): movable names for versions, as in MLflow, each
 * with its download URL. Writers point an alias at a version (creating or moving it) and remove
 * aliases.
 */
import { request } from '../api/graphql-client';
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { DELETE_MODEL_ALIAS, SET_MODEL_ALIAS } from './model-operations';

export interface AliasesPanelProps {
  owner: string;
  name: string;
  aliases: { alias: string; number: number }[];
  versions: number[];
  /** The version the page shows: offered first when pointing an alias. */
  selected: number | undefined;
  canWrite: boolean;
  onSelect(number: number): void;
  onChanged(): void;
}

export function AliasesPanel({ owner, name, aliases, versions, selected, canWrite, onSelect, onChanged }: AliasesPanelProps) {
  const rowAction = useRowAction();
  return (
    <div data-testid="aliases">
      <ErrorMessage error={rowAction.error} />
      <DataTable
        rows={aliases}
        rowKey={(alias) => alias.alias}
        rowAttributes={(alias) => ({ 'data-testid': 'alias-row', 'data-alias': alias.alias })}
        caption="Aliases"
        testId="aliases-table"
        empty="No aliases."
        emptyTestId="aliases-empty"
        columns={[
          { header: 'Alias', cell: (alias) => <code>{alias.alias}</code> },
          {
            header: 'Version',
            cell: (alias) => (
              <button type="button" className="link-button" onClick={() => onSelect(alias.number)}>
                v{alias.number}
              </button>
            ),
          },
          canWrite && {
            header: 'Actions',
            hideHeader: true,
            className: 'actions',
            cell: (alias) => (
              <RowActionButton
                rowAction={rowAction}
                row={alias.alias}
                name="remove"
                label="Remove"
                busyLabel="Removing…"
                action={() => request(DELETE_MODEL_ALIAS, { owner, name, alias: alias.alias })}
                onDone={onChanged}
                ariaLabel={`Remove alias ${alias.alias}`}
                testId="alias-remove"
              />
            ),
          },
        ]}
      />
      {canWrite && versions.length > 0 && <SetAliasForm key={selected} owner={owner} name={name} versions={versions} selected={selected} onSet={onChanged} />}
    </div>
  );
}

function SetAliasForm({ owner, name, versions, selected, onSet }: { owner: string; name: string; versions: number[]; selected: number | undefined; onSet(): void }) {
  const form = useForm({ alias: '', number: String(selected ?? versions[0]) });
  async function submit() {
    const done = await form.run(() => request(SET_MODEL_ALIAS, { owner, name, alias: form.values.alias.trim(), number: Number(form.values.number) }));
    if (done) {
      form.reset();
      onSet();
    }
  }
  return (
    <Form form={form} onSubmit={submit} className="form inset" alertTestId="alias-alert">
      <div className="inline-fields">
        <TextField label="Alias" placeholder="production" list="alias-suggestions" testId="alias-name" {...form.field('alias')} />
        <Field label="Version" error={form.problems.fields.number} testId="alias-version">
          {(control) => (
            <select {...control} value={form.values.number} onChange={(event) => form.set('number', event.target.value)}>
              {versions.map((number) => (
                <option key={number} value={number}>
                  v{number}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <datalist id="alias-suggestions">
        <option value="production" />
        <option value="staging" />
        <option value="latest" />
      </datalist>
      <SubmitButton busy={form.busy} busyLabel="Setting…" testId="alias-submit">
        Set alias
      </SubmitButton>
    </Form>
  );
}
