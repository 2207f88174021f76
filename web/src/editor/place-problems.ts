/**
 * Puts each problem `validateModelSpec` found where the editor shows it: beside a field of a
 * layer (`layers[3].units`), on a layer as a whole (`layers[3]`), beside a field of a functional
 * spec's input (`inputs[0].shape[1]`), beside a top-level field (`inputShape`, `outputs[0]`), or
 * above everything (`''`, for the spec as a whole). The paths are model-spec-analysis.ts's.
 */
import type { SpecProblem } from './types';

export interface ItemProblems {
  /** Messages per field name */
  fields: Record<string, string[]>;
  /** Messages about the item as a whole */
  general: string[];
}

export interface PlacedProblems {
  /** By index into `layers` */
  layers: Map<number, ItemProblems>;
  /** By index into a functional spec's `inputs` */
  inputs: Map<number, ItemProblems>;
  /** By top-level field: inputShape, inputDtype, outputs, kind, layers, inputs… */
  top: Record<string, string[]>;
  /** About the spec as a whole */
  spec: string[];
}

const ITEM = /^(layers|inputs)\[(\d+)\](?:\.([A-Za-z0-9_$-]+))?(.*)$/;
const TOP = /^([A-Za-z0-9_$-]+)(.*)$/;

export function placeProblems(problems: readonly SpecProblem[]): PlacedProblems {
  const placed: PlacedProblems = { layers: new Map(), inputs: new Map(), top: {}, spec: [] };
  for (const problem of problems) {
    const item = ITEM.exec(problem.path);
    if (item) {
      const [, group, index, field, rest] = item;
      const map = group === 'layers' ? placed.layers : placed.inputs;
      const at = map.get(Number(index)) ?? { fields: {}, general: [] };
      map.set(Number(index), at);
      if (field) add(at.fields, field, withWhere(rest, problem.message));
      else at.general.push(withWhere(rest, problem.message));
      continue;
    }
    const top = TOP.exec(problem.path);
    if (top) add(placed.top, top[1], withWhere(top[2], problem.message));
    else placed.spec.push(problem.path ? `${problem.path}: ${problem.message}` : problem.message);
  }
  return placed;
}

function add(record: Record<string, string[]>, key: string, message: string): void {
  (record[key] ??= []).push(message);
}

/** "[1]" (the rest of a path below a field) said in words before the message. */
function withWhere(rest: string, message: string): string {
  if (!rest) return message;
  const index = /^\[(\d+)\]$/.exec(rest);
  return index ? `item ${Number(index[1]) + 1}: ${message}` : `${rest.replace(/^\./, '')}: ${message}`;
}

/** The messages of one item's fields that the editor shows no input for, as general messages. */
export function unshownFieldMessages(problems: ItemProblems | undefined, shown: readonly string[]): string[] {
  if (!problems) return [];
  return Object.entries(problems.fields)
    .filter(([field]) => !shown.includes(field))
    .flatMap(([field, messages]) => messages.map((message) => `${field}: ${message}`));
}
