/**
 * Validates model specs for the hub: first the analysis (schema/model-spec-analysis.ts: fields,
 * graph, shapes, parameter counts by formula, limits — nothing allocated, so a spec asking for
 * 10^9 units is refused at once), and only a spec that passes is built with TF.js (CPU backend,
 * all weights zeros; in a worker thread, see tf-confirmer.ts) to confirm it: TF.js must accept it
 * and count the same parameters and output shapes, layer by layer. The model is disposed before
 * the answer returns.
 *
 * Builds run one at a time: each allocates its weights (up to 4 bytes × the parameter limit), so
 * queueing them bounds the memory a burst of requests takes.
 */
import { analyzeModelSpec, type ModelSpecAnalysis, type ModelSpecError, type ModelSpecLimits } from '../../../schema/index.js';
import type { Logger } from '../logger.js';
import type { TfConfirmer } from './tf-confirmer.js';

/** A validation as clients see it (the builder's plan stays inside). */
export type ModelSpecValidation = Omit<ModelSpecAnalysis, 'plan'>;

const sameShape = (a: readonly (number | null)[] | null, b: readonly (number | null)[] | null) =>
  a !== null && b !== null && a.length === b.length && a.every((d, i) => d === b[i]);

export class ModelSpecValidator {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limits: Partial<ModelSpecLimits>,
    private readonly confirmer: TfConfirmer,
    private readonly log: Logger,
  ) {}

  /** The analysis alone: no TF.js, nothing allocated. */
  analyze(spec: unknown): ModelSpecValidation {
    const { plan: _plan, ...analysis } = analyzeModelSpec(spec, this.limits);
    return analysis;
  }

  /** Never throws for a bad spec: problems come back as `errors` (and `valid: false`). */
  async validate(spec: unknown): Promise<ModelSpecValidation> {
    const analysis = this.analyze(spec);
    if (!analysis.valid) return analysis;
    const confirmed = this.queue.then(() => this.confirm(spec, analysis));
    this.queue = confirmed.catch(() => undefined);
    return confirmed;
  }

  private async confirm(spec: unknown, analysis: ModelSpecValidation): Promise<ModelSpecValidation> {
    const built = await this.confirmer.confirm(spec, this.limits);
    if (!built.ok) {
      return { ...analysis, valid: false, errors: [{ layer: null, index: null, path: '', message: `TF.js could not build the model: ${built.message}` }] };
    }
    const byName = new Map(built.layers.map((l) => [l.name, l]));
    const errors: ModelSpecError[] = [];
    for (const layer of analysis.layers) {
      const tf = byName.get(layer.name);
      if (tf && tf.params === layer.params && sameShape(tf.outputShape, layer.outputShape)) continue;
      // The estimate is what the limits rely on, so a disagreement refuses the spec.
      this.log.error({ layer: layer.name, type: layer.type, estimated: { params: layer.params, shape: layer.outputShape }, tfjs: tf ?? null }, 'model spec estimate disagrees with TF.js');
      errors.push({
        layer: layer.name,
        index: layer.index,
        path: `layers[${layer.index}]`,
        message: `TF.js builds this layer with ${tf?.params} parameters and output shape ${JSON.stringify(tf?.outputShape)}, not the ${layer.params} and ${JSON.stringify(layer.outputShape)} estimated; please report this`,
      });
    }
    if (errors.length === 0 && built.totalParams !== analysis.totalParams) {
      errors.push({ layer: null, index: null, path: '', message: `TF.js counts ${built.totalParams} parameters, not the ${analysis.totalParams} estimated; please report this` });
    }
    return errors.length === 0 ? analysis : { ...analysis, valid: false, errors };
  }

  /** Stops the TF.js worker, if any. */
  close(): Promise<void> {
    return this.confirmer.close();
  }
}
