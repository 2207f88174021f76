/**
 * Decides where an error is shown on a form: each `extensions.fields` problem beside the field it
 * names (a problem inside a JSON field, such as `payload.steps`, beside `payload`, saying where),
 * everything else (and any non-input error, such as CONFLICT or RATE_LIMITED) in the
 * form's alert region.
 */
import { GraphQLRequestError } from '../api/graphql-request-error';

export interface FormProblems {
  /** Message per field name the form shows */
  fields: Record<string, string>;
  /** For the alert region, or null */
  alert: string | null;
}

export const NO_PROBLEMS: FormProblems = { fields: {}, alert: null };

export function splitError(error: unknown, formFields: readonly string[]): FormProblems {
  const problem = GraphQLRequestError.from(error);
  const fields: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const { field, message } of problem.fields) {
    const owner = formFields.includes(field) ? field : formFields.find((name) => field.startsWith(`${name}.`));
    const text = owner && owner !== field ? `${field.slice(owner.length + 1)}: ${message}` : message;
    if (owner) fields[owner] = fields[owner] ? `${fields[owner]}; ${text}` : text;
    else elsewhere.push(`${field}: ${message}`);
  }
  const placed = Object.keys(fields).length > 0;
  let alert: string | null = null;
  if (problem.code !== 'BAD_USER_INPUT' || !placed) alert = problem.message;
  else if (elsewhere.length > 0) alert = elsewhere.join('; ');
  if (alert && problem.code === 'RATE_LIMITED' && problem.retryAfterSeconds) {
    alert += ` (wait up to ${formatWait(problem.retryAfterSeconds)})`;
  }
  return { fields, alert };
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}
