/**
 * Builds a checked model spec with TF.js and reports what TF.js makes of it (per-layer parameter
 * counts and output shapes, the total), then disposes the model. Runs wherever `tf` lives: in the
 * hub's confirmation worker (spec-build-worker.ts), or in-process for tests.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ModelSpecLimits } from '../../../schema/index.js';
import { buildLayersModel, type TfLayersApi } from '../../../schema/model-spec-build.js';

export interface BuiltLayer {
  name: string;
  params: number;
  outputShape: (number | null)[];
}

export type TfConfirmation = { ok: true; layers: BuiltLayer[]; totalParams: number } | { ok: false; message: string };

export function confirmWithTf(spec: unknown, tf: TfLayersApi, limits: Partial<ModelSpecLimits>): TfConfirmation {
  let model: tfjs.LayersModel;
  try {
    // Zeros: the values do not matter here, and the default orthogonal initializer of recurrent
    // layers (a QR decomposition) would cost seconds.
    model = buildLayersModel(spec, tf, { limits, initializer: 'zeros' });
  } catch (error) {
    return { ok: false, message: String((error as Error)?.message ?? error).slice(0, 500) };
  }
  try {
    return {
      ok: true,
      layers: model.layers.map((layer) => ({ name: layer.name, params: layer.countParams(), outputShape: layer.outputShape as (number | null)[] })),
      totalParams: model.countParams(),
    };
  } finally {
    model.dispose();
  }
}
