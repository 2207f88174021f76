/**
 * Validates model specs for the hub: first the analysis (schema/model-spec-analysis.ts: fields,
 * graph, shapes, parameter counts by formula, limits — nothing allocated, so a spec asking for
 * 10^9 units is refused at once), and only a spec that passes is built with TF.js (CPU backend,
 * loaded lazily by the catalog's loader) to confirm it: TF.js must accept it and count the same
 * parameters and output shapes, layer by layer. The model is disposed before the answer returns.
 *
 * Builds run one at a time: each allocates its weights (up to 4 bytes × the parameter limit), and
 * TF.js runs synchronously anyway, so queueing them bounds the memory a burst of requests takes.
 */
import type { LayersModel } from '@tensorflow/tfjs';
import { analyzeModelSpec, type ModelSpecAnalysis, type ModelSpecError, type ModelSpecLimits } from '../../../schema/index.js';
import { buildLayersModel } from '../../../schema/model-spec-build.js';
import { loadTf } from '../catalog/index.js';
import type { Logger } from '../logger.js';

/** A validation as clients see it (the builder's plan stays inside). */
export type ModelSpecValidation = Omit<ModelSpecAnalysis, 'plan'>;

const sameShape = (a: readonly (number | null)[] | null, b: readonly (number | null)[] | null) =>
  a !== null && b !== null && a.length === b.length && a.every((d, i) => d === b[i]);

export class ModelSpecValidator {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limits: Partial<ModelSpecLimits>,
    private readonly log: Logger,
  ) {}

  /** The analysis alone: no TF.js, nothing allocated. */
  analyze(spec: unknown): ModelSpecValidation {
    const { plan: _plan, ...analysis } = analyzeModelSpec(spec, this.limits);
    return analysis;
  }

  /** Never throws for a bad spec: problems come back as `errors` (and `valid: false`). */
  async validate(spec: unknown): Promise<ModelSpecValidation> {
    const { plan, ...analysis } = analyzeModelSpec(spec, this.limits);
    if (!analysis.valid || !plan) return analysis;
    const confirm = this.queue.then(() => this.confirm(spec, analysis));
    this.queue = confirm.catch(() => undefined);
    return confirm;
  }

  private async confirm(spec: unknown, analysis: ModelSpecValidation): Promise<ModelSpecValidation> {
    const tf = await loadTf();
    let model: LayersModel;
    try {
      model = buildLayersModel(spec, tf, { limits: this.limits, initializer: 'zeros' });
    } catch (error) {
      const message = String((error as Error)?.message ?? error).slice(0, 500);
      return { ...analysis, valid: false, errors: [{ layer: null, index: null, path: '', message: `TF.js could not build the model: ${message}` }] };
    }
    const errors: ModelSpecError[] = [];
    try {
      for (const layer of analysis.layers) {
        const built = model.getLayer(layer.name);
        const params = built.countParams();
        const shape = built.outputShape as (number | null)[];
        if (params !== layer.params || !sameShape(shape, layer.outputShape)) {
          // The estimate is what the limits rely on, so a disagreement refuses the spec.
          this.log.error({ layer: layer.name, type: layer.type, estimated: { params: layer.params, shape: layer.outputShape }, tfjs: { params, shape } }, 'model spec estimate disagrees with TF.js');
          errors.push({
            layer: layer.name,
            index: layer.index,
            path: `layers[${layer.index}]`,
            message: `TF.js builds this layer with ${params} parameters and output shape ${JSON.stringify(shape)}, not the ${layer.params} and ${JSON.stringify(layer.outputShape)} estimated; please report this`,
          });
        }
      }
      if (errors.length === 0 && model.countParams() !== analysis.totalParams) {
        errors.push({ layer: null, index: null, path: '', message: `TF.js counts ${model.countParams()} parameters, not the ${analysis.totalParams} estimated; please report this` });
      }
    } finally {
      model.dispose();
    }
    return errors.length === 0 ? analysis : { ...analysis, valid: false, errors };
  }
}
