/**
 * The network for each model_type, built the same way on every attempt (layers named, so a
 * checkpoint's weights fit the network the next agent builds):
 *
 *   linear_reg      dense(1)                                     mean squared error
 *   logistic_reg    dense(classes, softmax)                      categorical cross-entropy
 *   dnn_regressor   hidden_units × (dense + dropout) → dense(1)
 *   dnn_classifier  hidden_units × (dense + dropout) → dense(classes, softmax)
 *   custom          the saved spec (its input width set to the preprocessed inputs) → dropout → the same head
 *
 * l1_reg / l2_reg regularize every dense kernel the trainer makes (a custom spec's own layers are
 * left as designed).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { LoadedTf } from '../../tf/load-backend.js';
import { specWithInputWidth, type TrainPayload } from '../../../../schema/index.js';
import { buildLayersModel } from '../../../../schema/model-spec-build.js';
import { PermanentJobError } from '../job-handler.js';

/** TF.js as the agent's backend loader gives it. */
type Tf = LoadedTf['tf'];

export function buildNetwork(tf: Tf, payload: TrainPayload, inputWidth: number, outputs: number): tfjs.LayersModel {
  const h = payload.hyperparameters;
  const regularizer = h.l1Reg > 0 || h.l2Reg > 0 ? tf.regularizers.l1l2({ l1: h.l1Reg, l2: h.l2Reg }) : undefined;
  const classification = payload.task === 'classification';
  const head = (name: string) =>
    tf.layers.dense({ name, units: outputs, activation: classification ? 'softmax' : 'linear', kernelRegularizer: regularizer });

  if (payload.modelType === 'custom') {
    let body: tfjs.LayersModel;
    try {
      const sized = specWithInputWidth(payload.spec, inputWidth);
      if ('problem' in sized) throw new Error(sized.problem);
      body = buildLayersModel(sized.spec, tf, { name: 'body' });
    } catch (error) {
      throw new PermanentJobError(`the model_spec does not build: ${(error as Error).message}`);
    }
    const taken = new Set(body.layers.map((l) => l.name));
    const name = (base: string) => (taken.has(base) ? `${base}_head` : base);
    let out = body.outputs[0];
    if (h.dropout > 0) out = tf.layers.dropout({ name: name('head_dropout'), rate: h.dropout }).apply(out) as tfjs.SymbolicTensor;
    out = head(name('output')).apply(out) as tfjs.SymbolicTensor;
    return tf.model({ inputs: body.inputs, outputs: out, name: 'trained' });
  }

  const layers: tfjs.layers.Layer[] = [];
  h.hiddenUnits.forEach((units, i) => {
    layers.push(tf.layers.dense({ name: `hidden_${i + 1}`, units, activation: h.activation, kernelRegularizer: regularizer, ...(i === 0 ? { inputShape: [inputWidth] } : {}) }));
    if (h.dropout > 0) layers.push(tf.layers.dropout({ name: `dropout_${i + 1}`, rate: h.dropout }));
  });
  const output = head('output');
  if (layers.length === 0) {
    layers.push(tf.layers.dense({ name: 'output', units: outputs, activation: classification ? 'softmax' : 'linear', kernelRegularizer: regularizer, inputShape: [inputWidth] }));
  } else layers.push(output);
  return tf.sequential({ layers, name: 'trained' });
}

export function optimizer(tf: Tf, payload: TrainPayload): tfjs.Optimizer {
  const { optimizer: name, learnRate } = payload.hyperparameters;
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learnRate);
    case 'adam':
      return tf.train.adam(learnRate);
    case 'rmsprop':
      return tf.train.rmsprop(learnRate);
    case 'adagrad':
      return tf.train.adagrad(learnRate);
  }
}

/** The output layer (the head): regressors fold the label's scaling into it before saving. */
export function outputLayer(model: tfjs.LayersModel): tfjs.layers.Layer {
  return model.layers[model.layers.length - 1];
}
