/**
 * Completion of the hub's names, beside the PostgreSQL keywords lang-sql offers: datasets and
 * models as `owner.name` (owners may hold hyphens, which lang-sql's own schema completion would
 * split at), the columns of the datasets the statement names, and the ML table functions.
 */
import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import type { LabSchema } from './types';

const ML_FUNCTIONS: Completion[] = [
  { label: 'ML.PREDICT', type: 'function', detail: '(MODEL owner.name, (SELECT …))', apply: 'ML.PREDICT(MODEL ' },
  { label: 'ML.EVALUATE', type: 'function', detail: '(MODEL owner.name[, (SELECT …)])', apply: 'ML.EVALUATE(MODEL ' },
  { label: 'ML.TRAINING_INFO', type: 'function', detail: '(MODEL owner.name)', apply: 'ML.TRAINING_INFO(MODEL ' },
  { label: 'ML.TRIAL_INFO', type: 'function', detail: '(MODEL owner.name)', apply: 'ML.TRIAL_INFO(MODEL ' },
];

/** A name being typed: letters, digits, _, and the . - @ of owner.name@3. */
const WORD = /[A-Za-z0-9_][A-Za-z0-9_.@-]*/;

export function labCompletionSource(schema: () => LabSchema): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(WORD);
    if (!word && !context.explicit) return null;
    const { datasets, models } = schema();
    const text = context.state.doc.toString().toLowerCase();
    const options: Completion[] = [];
    for (const d of datasets) {
      const label = `${d.owner}.${d.name}`;
      options.push({
        label,
        type: 'class',
        detail: 'dataset',
        info: d.columns.length > 0 ? d.columns.map((c) => `${c.name} ${c.type.toLowerCase()}`).join('\n') : undefined,
        boost: 1,
      });
      // Columns only of the datasets this statement reads, so that the list stays short.
      if (mentions(text, label.toLowerCase())) {
        for (const column of d.columns) options.push({ label: column.name, type: 'property', detail: `${column.type.toLowerCase()} · ${label}` });
      }
    }
    for (const m of models) options.push({ label: `${m.owner}.${m.name}`, type: 'type', detail: m.task ? `model · ${m.task}` : 'model' });
    options.push(...ML_FUNCTIONS);
    return { from: word?.from ?? context.pos, options };
  };
}

/**
 * A source that does not offer the word already typed: a list holding only what is written would
 * take the Enter meant for a new line. Without `validFor` the source is asked again on every key,
 * so the word is always the current one.
 */
export function withoutTypedWord(source: CompletionSource): CompletionSource {
  return async (context) => {
    const result = await source(context);
    if (!result) return null;
    const typed = context.state.sliceDoc(result.from, context.pos).toLowerCase();
    const options = result.options.filter((option) => option.label.toLowerCase() !== typed);
    return options.length > 0 ? { ...result, options, validFor: undefined } : null;
  };
}

/** Whether `name` appears in the text as a whole name (not as the start of a longer one). */
function mentions(text: string, name: string): boolean {
  let at = text.indexOf(name);
  while (at !== -1) {
    const before = text[at - 1];
    const after = text[at + name.length];
    if ((before === undefined || !/[a-z0-9_.-]/.test(before)) && (after === undefined || !/[a-z0-9_.-]/.test(after))) return true;
    at = text.indexOf(name, at + 1);
  }
  return false;
}
