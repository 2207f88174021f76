/**
 * Checks a model spec (model-spec.ts) without TF.js and without allocating anything: every field,
 * the graph (names, inputs, cycles, outputs), each layer's output shape and its parameter count
 * by formula, and the limits (parameters, layers, JSON size). This runs before anything is built,
 * so a spec asking for 10^9 units is refused here in microseconds instead of allocating 4 GB of
 * weights in the hub or an agent.
 *
 * The formulas and shape rules are TF.js's own (layer-shapes.ts); the hub confirms them by
 * building valid specs with TF.js and comparing (hub/src/architectures/model-spec-validator.ts),
 * and the unit tests compare every layer type.
 *
 * Every problem is reported, not just the first, each located: the layer's index and name, and a
 * field path like `layers[3].units`. The function never throws, whatever it is given.
 */
import type { z } from 'zod';
import {
  DEFAULT_MODEL_SPEC_LIMITS,
  FUNCTIONAL_LAYERS,
  LAYER_TYPES,
  NAME,
  SEQUENTIAL_LAYERS,
  functionalFrame,
  isLayerType,
  modelInput,
  sequentialFrame,
  shape as shapeSchema,
  type LayerConfig,
  type LayerType,
  type ModelSpecLimits,
} from './model-spec.js';
import { fmt, inferLayer, product, thousands, type Dims } from './layer-shapes.js';

export type { Dims } from './layer-shapes.js';

type Dtype = 'float32' | 'int32';

export interface ModelSpecError {
  /** The layer's name (or the input's), when the problem belongs to one and it has a usable name. */
  layer: string | null;
  /** Index in `layers` (or in `inputs`, for a model input), when the problem belongs to one. */
  index: number | null;
  /** Where in the spec, like `layers[3].units`, `inputs[0].shape[1]` or `outputs[0]`; '' for the whole spec. */
  path: string;
  message: string;
}

export interface LayerSummary {
  index: number;
  /** As written, or generated (`dense_1`) for an unnamed layer of a sequential spec. */
  name: string;
  type: string;
  /** What it is applied to: input or layer names. */
  inputs: string[];
  /** With the batch dimension first (null), as TF.js reports it; null when it cannot be known. */
  outputShape: Dims | null;
  params: number | null;
  trainableParams: number | null;
}

export interface TensorSummary {
  name: string;
  /** With the batch dimension first (null); null when it cannot be known. */
  shape: Dims | null;
  dtype: Dtype;
}

/** One layer as the builder applies it, in an order where its inputs come first. */
export interface PlannedLayer {
  index: number;
  name: string;
  config: LayerConfig;
  inputs: string[];
  /** Without the batch dimension. */
  outputShape: Dims;
}

export interface ModelPlan {
  inputs: { name: string; shape: Dims; dtype: Dtype }[];
  layers: PlannedLayer[];
  outputs: string[];
}

export interface ModelSpecAnalysis {
  valid: boolean;
  kind: 'sequential' | 'functional' | null;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
  /** One per entry of `layers`, in the spec's order. */
  layers: LayerSummary[];
  /** Null when some layer's count cannot be known (it has an error, or depends on one). */
  totalParams: number | null;
  trainableParams: number | null;
  nonTrainableParams: number | null;
  errors: ModelSpecError[];
  /** Only when valid: what model-spec-build.ts builds. */
  plan?: ModelPlan;
}

interface LayerNode {
  index: number;
  name: string;
  /** The name as written when it is usable (for error locations). */
  label: string | null;
  type: string;
  config: LayerConfig | null;
  /** Names it reads from: the parsed `inputs`, or whatever strings the raw ones hold. */
  refs: string[];
  /** Its name repeats an earlier one: references go to the earlier one. */
  duplicate?: boolean;
  shape?: Dims | null;
  params?: number | null;
  trainable?: number | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Zod's issue path as `a[2].b`, under `prefix`. */
function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** One zod issue as messages with paths (an unknown-keys issue names each key). */
function issueMessages(issue: z.core.$ZodIssue, prefix: string): { path: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: joinPath(prefix, [...issue.path, key]), message: `is not a field here (unknown field "${key.slice(0, 64)}")` }));
  }
  return [{ path: joinPath(prefix, issue.path), message: issue.message }];
}

/** Problems listed at most; the rest are counted in one last entry. */
export const MAX_ERRORS = 100;

/** The field whose value drives a layer's parameter count, for the over-the-limit error. */
const SIZE_FIELD: Partial<Record<LayerType, string>> = { dense: 'units', embedding: 'outputDim', conv1d: 'filters', conv2d: 'filters', lstm: 'units', gru: 'units' };

class Analysis {
  readonly errors: ModelSpecError[] = [];
  kind: 'sequential' | 'functional' | null = null;
  inputs: { name: string; shape: Dims | null; dtype: Dtype; path: string; index: number }[] = [];
  nodes: LayerNode[] = [];
  outputs: string[] = [];
  order: LayerNode[] = [];

  constructor(private readonly limits: ModelSpecLimits) {}

  error(path: string, message: string, at?: { label: string | null; index: number }): void {
    this.errors.push({ layer: at?.label ?? null, index: at?.index ?? null, path, message });
  }

  layerError(node: LayerNode, field: string, message: string): void {
    this.error(field ? `layers[${node.index}].${field}` : `layers[${node.index}]`, message, node);
  }

  run(input: unknown): void {
    let text: string | undefined;
    try {
      text = JSON.stringify(input);
    } catch {
      return this.error('', 'must be plain JSON');
    }
    if (text === undefined || !isObject(input)) return this.error('', 'must be a JSON object like { "kind": "sequential", "inputShape": [...], "layers": [...] }');
    if (text.length > this.limits.maxSpecBytes) {
      return this.error('', `is ${thousands(text.length)} characters of JSON; at most ${thousands(this.limits.maxSpecBytes)} are allowed`);
    }
    if (input.kind !== 'sequential' && input.kind !== 'functional') return this.error('kind', 'must be "sequential" or "functional"');
    this.kind = input.kind;
    const frame = (this.kind === 'sequential' ? sequentialFrame : functionalFrame).safeParse(input);
    if (!frame.success) for (const issue of frame.error.issues) for (const p of issueMessages(issue, '')) this.error(p.path, p.message);
    if (!Array.isArray(input.layers) || input.layers.length === 0) return;
    if (input.layers.length > this.limits.maxLayers) {
      return this.error('layers', `has ${thousands(input.layers.length)} layers; at most ${thousands(this.limits.maxLayers)} are allowed`);
    }
    this.readInputs(input);
    this.readLayers(input.layers);
    if (this.kind === 'sequential') this.chain();
    else this.graph(input.outputs);
    this.propagate();
  }

  private readInputs(spec: Record<string, unknown>): void {
    if (this.kind === 'sequential') {
      const dims = shapeSchema.safeParse(spec.inputShape);
      const dtype = spec.inputDtype === 'int32' ? 'int32' : 'float32';
      this.inputs = [{ name: 'input', shape: dims.success ? dims.data : null, dtype, path: 'inputDtype', index: 0 }];
      return;
    }
    if (!Array.isArray(spec.inputs)) return;
    spec.inputs.forEach((raw, index) => {
      const parsed = modelInput.safeParse(raw);
      if (parsed.success) this.inputs.push({ name: parsed.data.name, shape: parsed.data.shape, dtype: parsed.data.dtype ?? 'float32', path: `inputs[${index}]`, index });
      else if (isObject(raw) && typeof raw.name === 'string' && NAME.test(raw.name)) this.inputs.push({ name: raw.name, shape: null, dtype: 'float32', path: `inputs[${index}]`, index });
    });
  }

  private readLayers(raws: unknown[]): void {
    const schemas = this.kind === 'sequential' ? SEQUENTIAL_LAYERS : FUNCTIONAL_LAYERS;
    raws.forEach((raw, index) => {
      const name = isObject(raw) && typeof raw.name === 'string' && NAME.test(raw.name) ? raw.name : null;
      const type = isObject(raw) && typeof raw.type === 'string' ? raw.type.slice(0, 64) : '';
      const refs = isObject(raw) && Array.isArray(raw.inputs) ? raw.inputs.filter((r): r is string => typeof r === 'string' && NAME.test(r)) : [];
      const node: LayerNode = { index, name: name ?? '', label: name, type, config: null, refs };
      this.nodes.push(node);
      if (!isObject(raw)) return this.layerError(node, '', 'must be an object like { "type": "dense", "units": 10 }');
      if (typeof raw.type !== 'string') return this.layerError(node, 'type', `is missing; use one of ${LAYER_TYPES.join(', ')}`);
      if (!isLayerType(raw.type)) return this.layerError(node, 'type', `"${type}" is not a layer type; use one of ${LAYER_TYPES.join(', ')}`);
      const parsed = schemas[raw.type].safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) for (const p of issueMessages(issue, `layers[${index}]`)) this.error(p.path, p.message, node);
        return;
      }
      node.config = parsed.data as LayerConfig;
    });
  }

  /** Names for a sequential spec: each layer reads the one before; unnamed ones get `type_N`. */
  private chain(): void {
    this.uniqueNames();
    const taken = new Set(this.nodes.map((n) => n.name).filter(Boolean));
    const fresh = (base: string) => {
      let name = base;
      for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
      taken.add(name);
      return name;
    };
    for (const node of this.nodes) if (!node.name) node.name = fresh(`${node.type && isLayerType(node.type) ? node.type : 'layer'}_${node.index + 1}`);
    this.inputs[0].name = fresh('input');
    this.nodes.forEach((node, i) => {
      node.refs = [i === 0 ? this.inputs[0].name : this.nodes[i - 1].name];
      if (node.config?.type === 'concatenate') this.layerError(node, 'type', 'concatenate joins several inputs, so it needs a functional spec');
    });
    this.order = this.nodes;
    this.outputs = [this.nodes[this.nodes.length - 1].name];
  }

  /** Duplicate names among inputs and layers: each later one is an error. */
  private uniqueNames(): void {
    const seen = new Map<string, string>();
    for (const input of this.kind === 'functional' ? this.inputs : []) {
      const other = seen.get(input.name.toLowerCase());
      if (other) this.error(`${input.path}.name`, `"${input.name}" is already the name of ${other}`, { label: input.name, index: input.index });
      else seen.set(input.name.toLowerCase(), input.path);
    }
    for (const node of this.nodes) {
      if (!node.name) continue;
      const other = seen.get(node.name.toLowerCase());
      if (other) {
        this.layerError(node, 'name', `"${node.name}" is already the name of ${other} (names are compared ignoring case)`);
        node.name = '';
        node.duplicate = true;
      } else seen.set(node.name.toLowerCase(), `layers[${node.index}]`);
    }
  }

  private graph(rawOutputs: unknown): void {
    this.uniqueNames();
    const inputNames = new Map(this.inputs.map((i) => [i.name, i]));
    const byName = new Map(this.nodes.filter((n) => n.name).map((n) => [n.name, n]));
    for (const node of this.nodes) {
      if (!node.name) node.name = `layers[${node.index}]`;
      node.refs.forEach((ref, k) => {
        if (ref === node.name) this.layerError(node, `inputs[${k}]`, 'a layer cannot take its own output');
        else if (!inputNames.has(ref) && !byName.has(ref)) this.layerError(node, `inputs[${k}]`, `no input or layer is named "${ref}"`);
      });
      if (!node.config) continue;
      const count = node.refs.length;
      if (node.config.type === 'concatenate' && count < 2) this.layerError(node, 'inputs', 'concatenate needs at least 2 inputs');
      if (node.config.type !== 'concatenate' && count !== 1) {
        this.layerError(node, 'inputs', `a ${node.config.type} layer takes exactly one input; join several with a concatenate layer first`);
      }
    }
    // Kahn's algorithm over layer-to-layer edges; what is left sits on or behind a cycle.
    const deps = new Map(this.nodes.map((n) => [n, new Set(n.refs.filter((r) => r !== n.name && byName.has(r)).map((r) => byName.get(r)!))]));
    const users = new Map<LayerNode, LayerNode[]>(this.nodes.map((n) => [n, []]));
    for (const [node, ds] of deps) for (const d of ds) users.get(d)!.push(node);
    const waiting = new Map([...deps].map(([n, ds]) => [n, ds.size]));
    const ready = this.nodes.filter((n) => waiting.get(n) === 0);
    while (ready.length > 0) {
      const node = ready.shift()!;
      this.order.push(node);
      for (const user of users.get(node)!) {
        waiting.set(user, waiting.get(user)! - 1);
        if (waiting.get(user) === 0) ready.push(user);
      }
    }
    this.reportCycles(new Set(this.nodes.filter((n) => waiting.get(n)! > 0)), deps);

    const outputs = Array.isArray(rawOutputs) ? rawOutputs : [];
    const listed = new Set<string>();
    outputs.forEach((name, k) => {
      if (typeof name !== 'string' || !NAME.test(name)) return; // the frame check reported it
      if (listed.has(name)) return this.error(`outputs[${k}]`, `"${name}" is listed twice`);
      listed.add(name);
      if (inputNames.has(name)) return this.error(`outputs[${k}]`, `"${name}" is a model input; outputs must name layers`);
      if (!byName.has(name)) return this.error(`outputs[${k}]`, `no layer is named "${name}"`);
      this.outputs.push(name);
    });
    if (this.outputs.length > 0) this.reportDisconnected(byName);
  }

  /** One error per cycle, at its first layer: `a → b → a`. */
  private reportCycles(stuck: Set<LayerNode>, deps: Map<LayerNode, Set<LayerNode>>): void {
    const done = new Set<LayerNode>();
    for (const start of [...stuck].sort((a, b) => a.index - b.index)) {
      if (done.has(start)) continue;
      // Walking dependencies inside the stuck set must come back to a node already on the path.
      const path: LayerNode[] = [];
      const onPath = new Map<LayerNode, number>();
      let node: LayerNode | undefined = start;
      while (node && !onPath.has(node) && !done.has(node)) {
        onPath.set(node, path.length);
        path.push(node);
        node = [...deps.get(node)!].find((d) => stuck.has(d));
      }
      path.forEach((n) => done.add(n));
      if (!node || !onPath.has(node)) continue; // led into a cycle already reported
      const cycle = path.slice(onPath.get(node)!).reverse();
      const first = cycle.reduce((a, b) => (b.index < a.index ? b : a));
      const at = cycle.indexOf(first);
      const ring = [...cycle.slice(at), ...cycle.slice(0, at), first].map((n) => n.name);
      this.layerError(first, 'inputs', `forms a cycle: ${ring.join(' → ')}`);
    }
  }

  /** Layers and inputs no output depends on: TF.js would drop them silently, so they are errors. */
  private reportDisconnected(byName: Map<string, LayerNode>): void {
    const reached = new Set<string>();
    const stack = [...this.outputs];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (reached.has(name)) continue;
      reached.add(name);
      for (const ref of byName.get(name)?.refs ?? []) stack.push(ref);
    }
    for (const node of this.nodes) {
      if (node.label && !node.duplicate && !reached.has(node.name)) this.layerError(node, '', `"${node.name}" does not lead to any output: list it in outputs or use it as another layer's input`);
    }
    for (const input of this.inputs) {
      if (!reached.has(input.name)) this.error(input.path, `"${input.name}" is not used by any layer that leads to an output`, { label: input.name, index: input.index });
    }
  }

  /** Shapes and parameter counts in dependency order; a layer after an error stays unknown, silently. */
  private propagate(): void {
    const inputs = new Map(this.inputs.map((i) => [i.name, i]));
    const byName = new Map(this.nodes.map((n) => [n.name, n]));
    const inField = this.kind === 'functional' ? 'inputs' : '';
    let total = 0;
    let totalReported = false;
    for (const node of this.order) {
      node.shape = null;
      node.params = null;
      node.trainable = null;
      if (!node.config) continue;
      if (this.kind === 'sequential' && node.config.type === 'concatenate') continue;
      if (this.kind === 'functional' && (node.config.type === 'concatenate' ? node.refs.length < 2 : node.refs.length !== 1)) continue;
      const ins: Dims[] = [];
      let complete = true;
      node.refs.forEach((ref, k) => {
        const input = inputs.get(ref);
        if (input) {
          if (input.dtype === 'int32' && node.config!.type !== 'embedding') {
            const where = this.kind === 'functional' ? `layers[${node.index}].inputs[${k}]` : 'inputDtype';
            this.error(where, `${node.config!.type} takes float32 values, but the input "${ref}" is int32 (int32 inputs feed embedding layers)`, node);
            complete = false;
          }
          if (input.shape) ins.push(input.shape);
          else complete = false;
        } else {
          const shape = byName.get(ref)?.shape;
          if (shape) ins.push(shape);
          else complete = false;
        }
      });
      if (!complete) continue;
      const result = inferLayer(node.config, ins, inField);
      if ('field' in result) {
        this.layerError(node, result.field, result.message);
        continue;
      }
      const elements = product(result.shape.map((d) => d ?? 1));
      if (elements > this.limits.maxOutputElements) {
        this.layerError(node, '', `would output ${thousands(elements)} values per example (${fmt(result.shape)}); at most ${thousands(this.limits.maxOutputElements)}`);
        continue;
      }
      node.shape = result.shape;
      node.params = result.params;
      node.trainable = result.trainable;
      const field = SIZE_FIELD[node.config.type] ?? '';
      if (result.params > this.limits.maxParams) {
        this.layerError(node, field, `gives this layer ${thousands(result.params)} parameters; the limit for a whole model is ${thousands(this.limits.maxParams)}`);
        totalReported = true;
      }
      total += result.params;
      if (total > this.limits.maxParams && !totalReported) {
        this.layerError(node, field, `brings the model to ${thousands(total)} parameters; the limit is ${thousands(this.limits.maxParams)}`);
        totalReported = true;
      }
    }
  }

  result(): ModelSpecAnalysis {
    // An unnamed layer of a sequential spec is called by the name the summary gives it.
    for (const e of this.errors) {
      const node = e.layer === null && e.index !== null && e.path.startsWith('layers[') ? this.nodes[e.index] : undefined;
      if (node && NAME.test(node.name)) e.layer = node.name;
    }
    // A spec of many small mistakes (thousands of unknown keys) must not make an answer of megabytes.
    if (this.errors.length > MAX_ERRORS) {
      const more = this.errors.length - MAX_ERRORS;
      this.errors.splice(MAX_ERRORS, more, { layer: null, index: null, path: '', message: `has ${thousands(more)} more problems not listed` });
    }
    const withBatch = (dims: Dims | null | undefined) => (dims ? [null, ...dims] : null);
    const layers: LayerSummary[] = this.nodes.map((n) => ({
      index: n.index,
      name: n.name,
      type: n.type,
      inputs: [...n.refs],
      outputShape: withBatch(n.shape),
      params: n.params ?? null,
      trainableParams: n.trainable ?? null,
    }));
    const allKnown = layers.length > 0 && layers.every((l) => l.params !== null);
    const totalParams = allKnown ? layers.reduce((a, l) => a + l.params!, 0) : null;
    const trainableParams = allKnown ? layers.reduce((a, l) => a + l.trainableParams!, 0) : null;
    const byName = new Map(this.nodes.map((n) => [n.name, n]));
    const valid = this.errors.length === 0 && this.kind !== null;
    const analysis: ModelSpecAnalysis = {
      valid,
      kind: this.kind,
      inputs: this.inputs.map((i) => ({ name: i.name, shape: withBatch(i.shape), dtype: i.dtype })),
      outputs: this.outputs.map((name) => ({ name, shape: withBatch(byName.get(name)?.shape), dtype: 'float32' as const })),
      layers,
      totalParams,
      trainableParams,
      nonTrainableParams: totalParams === null || trainableParams === null ? null : totalParams - trainableParams,
      errors: this.errors,
    };
    if (valid) {
      analysis.plan = {
        inputs: this.inputs.map((i) => ({ name: i.name, shape: i.shape!, dtype: i.dtype })),
        layers: this.order.map((n) => ({ index: n.index, name: n.name, config: n.config!, inputs: [...n.refs], outputShape: n.shape! })),
        outputs: [...this.outputs],
      };
    }
    return analysis;
  }
}

/**
 * Checks `spec` (anything: it comes from users) and reports what the model would be, or every
 * problem found. Never throws and never allocates more than the spec's own size.
 */
export function analyzeModelSpec(spec: unknown, limits: Partial<ModelSpecLimits> = {}): ModelSpecAnalysis {
  const analysis = new Analysis({ ...DEFAULT_MODEL_SPEC_LIMITS, ...limits });
  try {
    analysis.run(spec);
  } catch (error) {
    // A bug here must not take a hub down; the spec is refused and the reason shown.
    analysis.error('', `could not be checked: ${(error as Error)?.message ?? String(error)}`);
  }
  return analysis.result();
}
