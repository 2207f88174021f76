/**
 * ML.PREDICT answered online: the slot serving fills (MlService.useOnlinePredictor) so that a small
 * ML.PREDICT on a model version a READY deployment serves is one request to that deployment instead
 * of a `predict` job. ML knows nothing of deployments; this is the seam.
 */
import type { Principal } from '../accounts/index.js';

export interface OnlinePredictCall {
  model: { id: string; owner: string; name: string };
  /** Only a deployment serving exactly this version may answer. */
  versionNumber: number;
  /** Raw records: feature name → value, as the input query returned them. */
  records: Record<string, unknown>[];
}

export interface OnlineAnswer {
  /** Per record, in order: class probabilities in label order (classifiers) or [value] (regressors); null where not finite. */
  outputs: (number | null)[][];
  /** The deployment that answered, "owner/name". */
  deployment: string;
}

export interface OnlinePredictor {
  /**
   * Predicts the records as `principal` (their access to the deployment and their limits apply)
   * with a READY deployment of the model serving that version. Answers null when there is none the
   * caller may call; throws when the call failed or was refused (ML.PREDICT then runs its job).
   */
  predict(principal: Principal, call: OnlinePredictCall): Promise<OnlineAnswer | null>;
}
