/**
 * The layer editor's changes to a model spec (schema/model-spec.ts), each returning a new spec.
 * The spec being edited is whatever JSON the user wrote, so nothing here assumes it is valid: a
 * change touches only what it is about, and everything else (unknown fields included) is kept
 * for the hub to judge.
 */
import { isLayerType, LAYER_FIELD_SPECS, NEW_LAYER, type LayerType } from './layer-fields';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a new editor starts with: a small classifier of four features into three classes. */
export function starterSpec(): JsonObject {
  return {
    kind: 'sequential',
    inputShape: [4],
    layers: [
      { type: 'dense', units: 16, activation: 'relu' },
      { type: 'dense', units: 3, activation: 'softmax' },
    ],
  };
}

/** `object` with `key` set to `value`, or without `key` when `value` is undefined. */
export function withField(object: JsonObject, key: string, value: unknown): JsonObject {
  const next = { ...object };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

export function isFunctional(spec: JsonObject): boolean {
  return spec.kind === 'functional';
}

/** The spec's layers, or null when `layers` is not a list. */
export function layersOf(spec: JsonObject): unknown[] | null {
  return Array.isArray(spec.layers) ? spec.layers : null;
}

export function withLayer(spec: JsonObject, index: number, layer: unknown): JsonObject {
  const layers = [...(layersOf(spec) ?? [])];
  layers[index] = layer;
  return { ...spec, layers };
}

/** Moves the layer at `from` to `to` (both indexes into the current list). */
export function moveLayer(spec: JsonObject, from: number, to: number): JsonObject {
  const layers = [...(layersOf(spec) ?? [])];
  if (to < 0 || to >= layers.length) return spec;
  const [moved] = layers.splice(from, 1);
  layers.splice(to, 0, moved);
  return { ...spec, layers };
}

/**
 * Removes a layer. In a functional spec, layers that read from it read from what it read from
 * instead, and an output it was becomes that, so removing a layer from a chain keeps the chain.
 */
export function removeLayer(spec: JsonObject, index: number): JsonObject {
  const layers = [...(layersOf(spec) ?? [])];
  const [removed] = layers.splice(index, 1);
  if (!isFunctional(spec) || !isObject(removed) || typeof removed.name !== 'string') return { ...spec, layers };
  const name = removed.name;
  const sources = Array.isArray(removed.inputs) ? removed.inputs : [];
  const rewire = (names: unknown) => (Array.isArray(names) ? [...new Set(names.flatMap((ref) => (ref === name ? sources : [ref])))] : names);
  return {
    ...spec,
    layers: layers.map((layer) => (isObject(layer) && Array.isArray(layer.inputs) ? { ...layer, inputs: rewire(layer.inputs) } : layer)),
    ...(Array.isArray(spec.outputs) ? { outputs: rewire(spec.outputs) } : {}),
  };
}

/** Names taken by the spec's inputs and layers, for a new unique one. */
function takenNames(spec: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const item of [...(Array.isArray(spec.inputs) ? spec.inputs : []), ...(layersOf(spec) ?? [])]) {
    if (isObject(item) && typeof item.name === 'string') names.add(item.name.toLowerCase());
  }
  return names;
}

export function uniqueName(spec: JsonObject, base: string): string {
  const taken = takenNames(spec);
  for (let n = 1; ; n++) {
    const name = `${base}_${n}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** The name a layer or input goes by, when it has a usable one. */
export function nameOf(item: unknown): string | null {
  return isObject(item) && typeof item.name === 'string' && item.name !== '' ? item.name : null;
}

/**
 * Appends a new layer of `type`. In a functional spec it is named, reads from the last layer (or
 * the first input), and takes over as the output when the last layer was the only one.
 */
export function addLayer(spec: JsonObject, type: LayerType): JsonObject {
  const layers = layersOf(spec) ?? [];
  const layer: JsonObject = { type, ...NEW_LAYER[type] };
  if (!isFunctional(spec)) return { ...spec, layers: [...layers, layer] };
  const name = uniqueName(spec, type);
  const previous = nameOf(layers[layers.length - 1]) ?? (Array.isArray(spec.inputs) ? nameOf(spec.inputs[0]) : null);
  const named: JsonObject = { name, type, ...(previous ? { inputs: [previous] } : {}), ...NEW_LAYER[type] };
  const outputs = Array.isArray(spec.outputs) && spec.outputs.length === 1 && spec.outputs[0] === previous ? [name] : spec.outputs;
  return { ...spec, layers: [...layers, named], ...(outputs !== undefined ? { outputs } : {}) };
}

/**
 * The layer as another type: its name and inputs stay, fields the new type also has keep their
 * values, and the new type's required fields start at their usual values.
 */
export function changeLayerType(layer: unknown, type: LayerType): JsonObject {
  const old = isObject(layer) ? layer : {};
  const next: JsonObject = { type };
  if (old.name !== undefined) next.name = old.name;
  if (old.inputs !== undefined) next.inputs = old.inputs;
  const fields = LAYER_FIELD_SPECS[type] as Record<string, unknown>;
  const starting = NEW_LAYER[type];
  for (const key of Object.keys(fields)) {
    if (old[key] !== undefined && (!isLayerType(old.type) || key in LAYER_FIELD_SPECS[old.type])) next[key] = old[key];
    else if (starting[key] !== undefined) next[key] = starting[key];
  }
  return next;
}

/**
 * A sequential spec as a functional one: one input named `input`, each layer named and reading
 * the one before, the last one the output.
 */
export function toFunctional(spec: JsonObject): JsonObject {
  const { inputShape, inputDtype, layers: raw, kind: _kind, ...rest } = spec;
  const layers = Array.isArray(raw) ? raw : [];
  const input: JsonObject = { name: 'input', shape: inputShape ?? [4], ...(inputDtype !== undefined ? { dtype: inputDtype } : {}) };
  let next: JsonObject = { ...rest, kind: 'functional', inputs: [input], layers: [] };
  let previous = 'input';
  const named: unknown[] = [];
  for (const layer of layers) {
    if (!isObject(layer)) {
      named.push(layer);
      continue;
    }
    const name = nameOf(layer) ?? uniqueName(next, isLayerType(layer.type) ? layer.type : 'layer');
    const { type, name: _name, ...fields } = layer;
    named.push({ name, type, inputs: [previous], ...fields });
    previous = name;
    next = { ...next, layers: named };
  }
  return { ...next, layers: named, outputs: [previous] };
}

/**
 * A functional spec as a sequential one: the first input's shape, the layers in their order
 * without `inputs`. Branches are lost, so the editor asks before doing this.
 */
export function toSequential(spec: JsonObject): JsonObject {
  const { inputs, layers: raw, outputs: _outputs, kind: _kind, ...rest } = spec;
  const first = Array.isArray(inputs) && isObject(inputs[0]) ? inputs[0] : {};
  const layers = (Array.isArray(raw) ? raw : []).map((layer) => {
    if (!isObject(layer)) return layer;
    const { inputs: _inputs, ...kept } = layer;
    return kept;
  });
  return {
    kind: 'sequential',
    inputShape: first.shape ?? [4],
    ...(first.dtype !== undefined ? { inputDtype: first.dtype } : {}),
    ...rest,
    layers,
  };
}

const SPEC_KEYS = ['kind', 'inputShape', 'inputDtype', 'inputs', 'layers', 'outputs'];
const LAYER_KEYS = ['name', 'type', 'inputs'];
const INPUT_KEYS = ['name', 'shape', 'dtype'];

/** `object` with `first` keys in that order, then the rest as they were. */
function ordered(object: JsonObject, first: readonly string[]): JsonObject {
  const keys = [...first.filter((key) => key in object), ...Object.keys(object).filter((key) => !first.includes(key))];
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}

/**
 * The spec with its keys in reading order: kind and inputs first, then layers (each name, type,
 * inputs, then its fields as the layer editor lists them), then outputs. The hub keeps specs as
 * PostgreSQL jsonb, which reorders keys; this puts a loaded spec's JSON view back in order.
 */
export function tidySpec(spec: unknown): unknown {
  if (!isObject(spec)) return spec;
  const layers = Array.isArray(spec.layers)
    ? spec.layers.map((layer) => (isObject(layer) ? ordered(layer, [...LAYER_KEYS, ...(isLayerType(layer.type) ? Object.keys(LAYER_FIELD_SPECS[layer.type]) : [])]) : layer))
    : spec.layers;
  const inputs = Array.isArray(spec.inputs) ? spec.inputs.map((input) => (isObject(input) ? ordered(input, INPUT_KEYS) : input)) : spec.inputs;
  return ordered({ ...spec, ...(layers !== undefined ? { layers } : {}), ...(inputs !== undefined ? { inputs } : {}) }, SPEC_KEYS);
}
