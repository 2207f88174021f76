/**
 * What the router checks of an agent's answer before believing it (agents are untrusted): outputs
 * or an error, not both; one output row per record sent; each row as wide as the model's output
 * (the number of classes, 1 for a regressor). An answer that fails this counts as a failure of the
 * replica that sent it.
 */
import type { InferResult } from './replica-transport.js';

/** Why the answer cannot be believed, or undefined when it can. */
export function checkAnswer(result: InferResult, records: number, width: number): string | undefined {
  if ((result.outputs === undefined) === (result.error === undefined)) return 'infer.result must carry either outputs or an error';
  if (result.outputs === undefined) return undefined;
  if (result.outputs.length !== records) return `infer.result has ${result.outputs.length} output rows for ${records} records`;
  for (let i = 0; i < result.outputs.length; i += 1) {
    if (result.outputs[i].length !== width) return `output row ${i} has ${result.outputs[i].length} values; the model gives ${width}`;
  }
  return undefined;
}
