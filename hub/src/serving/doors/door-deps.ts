/** What the TF Serving and KServe routers use. */
import type { Principal, Scope } from '../../accounts/index.js';
import type { Authenticator } from '../../http/route-access.js';
import type { InferenceService } from './inference-service.js';

export interface DoorDeps {
  accounts: Authenticator<Principal, Scope>;
  inference: Pick<InferenceService, 'predict' | 'describe'>;
  /** AIMASS_SERVING_MAX_BODY_BYTES: larger request bodies are 413. */
  maxBodyBytes: number;
  /** AIMASS_INFERENCE_DEADLINE_MS: each request's deadline unless the client lowers it. */
  deadlineMs: number;
  /** Error details reach clients (NODE_ENV=development). */
  development: boolean;
  now?: () => number;
}

/** `{owner}.{deployment}`: a handle has no dot, so the first one splits them. */
export function deploymentName(model: string): { owner: string; name: string } | null {
  const dot = model.indexOf('.');
  if (dot <= 0 || dot === model.length - 1) return null;
  return { owner: model.slice(0, dot), name: model.slice(dot + 1) };
}
