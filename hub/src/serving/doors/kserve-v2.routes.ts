/**
 * KServe's Open Inference Protocol (v2) REST API at its own paths (mounted at /v2, HubRoute.root),
 * deployments named `{owner}.{deployment}`:
 *
 *   GET  /v2/health/live, /v2/health/ready                           open to everyone
 *   GET  /v2/models/{owner}.{deployment}[/versions/{n}]              model metadata
 *   GET  /v2/models/{owner}.{deployment}[/versions/{n}]/ready        200 { name, ready: true } or 503 { name, ready: false }
 *   POST /v2/models/{owner}.{deployment}[/versions/{n}]/infer        inference
 *
 * The model routes need `Authorization: Bearer` with a session or an API key with the `inference`
 * scope; a deployment the caller may not call is 404. Conversions: kserve-v2.ts.
 */
import { Router, type Request, type Response } from 'express';
import { Scope, type Principal } from '../../accounts/index.js';
import { badInput, notFound } from '../../errors.js';
import { jsonBody } from '../../http/json-body.js';
import { requiredPrincipal, routeAccess } from '../../http/route-access.js';
import { sendJson } from '../../http/send-json.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { doorErrorHandler, sendDoorError } from './door-error-handler.js';
import { deploymentName, type DoorDeps } from './door-deps.js';
import type { VersionSelector } from './inference-service.js';
import { parseV2Infer, v2InferResponse, v2ModelMetadata, type V2Request } from './kserve-v2.js';
import { DEADLINE_HEADER, requestDeadline } from './request-deadline.js';
import { routingOf } from './routing-headers.js';

function targetOf(req: Request): { owner: string; name: string; selector: VersionSelector } {
  const model = String(req.params.model);
  const parts = deploymentName(model);
  if (!parts) throw notFound(`Model "${model}" (deployments are named {owner}.{deployment})`);
  const version = req.params.version === undefined ? undefined : String(req.params.version);
  if (version !== undefined && !/^\d{1,9}$/.test(version)) throw badInput('version', `must be a version number, got "${version}"`);
  return { ...parts, selector: version === undefined ? {} : { versionNumber: Number(version) } };
}

export function kserveRouter(deps: DoorDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const caller = routeAccess(deps.accounts, { scope: Scope.INFERENCE });
  // The server's own health: probes send no credential. Whether a model can answer is its /ready.
  const probe = routeAccess(deps.accounts, { scope: Scope.INFERENCE, anonymous: true });

  router.get('/health/live', probe, (_req, res) => {
    res.json({ live: true });
  });
  router.get('/health/ready', probe, (_req, res) => {
    res.json({ ready: true });
  });

  const metadata = async (req: Request, res: Response) => {
    const t = targetOf(req);
    res.json(v2ModelMetadata(await deps.inference.describe(requiredPrincipal<Principal>(res), t.owner, t.name, t.selector)));
  };
  const ready = async (req: Request, res: Response) => {
    const t = targetOf(req);
    const view = await deps.inference.describe(requiredPrincipal<Principal>(res), t.owner, t.name, t.selector);
    const isReady = view.versions.some((v) => v.readyReplicas > 0);
    res.status(isReady ? 200 : 503).json({ name: `${t.owner}.${t.name}`, ready: isReady });
  };
  const infer = async (req: Request, res: Response) => {
    const t = targetOf(req);
    const deadlineAt = requestDeadline(req.headers[DEADLINE_HEADER], deps.deadlineMs, now());
    // The body is read once the deployment is known to the caller: a hidden one is 404 whatever was sent.
    let request: V2Request | undefined;
    const records = (target: DeploymentTarget) => {
      request = parseV2Infer(req.body);
      return request.records(target);
    };
    // A routing key may also come as the request's `parameters.user` (the caller's user, as OpenAI-style APIs name it).
    const parameters = typeof req.body === 'object' && req.body !== null ? (req.body as { parameters?: { user?: unknown } }).parameters : undefined;
    const routing = routingOf(req);
    if (routing.key === undefined && typeof parameters?.user === 'string') Object.assign(routing, { key: parameters.user, keyField: 'parameters.user' });
    const prediction = await deps.inference.predict(requiredPrincipal<Principal>(res), t.owner, t.name, t.selector, records, deadlineAt, 'inputs', routing);
    sendJson(res, v2InferResponse(prediction.target, prediction.answer, request!), 200, { ...prediction.rateLimit, 'X-Model-Version': String(prediction.answer.versionNumber) });
  };
  const body = jsonBody(deps.maxBodyBytes);

  router.get('/models/:model', caller, metadata);
  router.get('/models/:model/versions/:version', caller, metadata);
  router.get('/models/:model/ready', caller, ready);
  router.get('/models/:model/versions/:version/ready', caller, ready);
  router.post('/models/:model/infer', caller, body, infer);
  router.post('/models/:model/versions/:version/infer', caller, body, infer);

  router.use((req: Request, res: Response) => sendDoorError(res, 404, `No KServe v2 route ${req.method} /v2${req.path}`));
  router.use(doorErrorHandler(deps.development));
  return router;
}
