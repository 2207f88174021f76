/**
 * TF Serving's REST API at its own paths (mounted at /v1/models, HubRoute.root), so unchanged TF
 * Serving clients reach deployments as models named `{owner}.{deployment}`:
 *
 *   POST /v1/models/{owner}.{deployment}[/versions/{n}|/labels/{alias}]:predict
 *   GET  /v1/models/{owner}.{deployment}[/versions/{n}|/labels/{alias}]            Model status
 *   GET  /v1/models/{owner}.{deployment}[/versions/{n}|/labels/{alias}]/metadata   Model metadata
 *
 * Every route needs `Authorization: Bearer` with a session or an API key with the `inference`
 * scope; a deployment the caller may not call is 404. Bodies are read as JSON whatever their
 * Content-Type (TF Serving's own examples send them with `curl -d`). Conversions: tf-serving.ts.
 */
import { Router, type Request, type Response } from 'express';
import { Scope, type Principal } from '../../accounts/index.js';
import { notFound } from '../../errors.js';
import { jsonBody } from '../../http/json-body.js';
import { requiredPrincipal, routeAccess } from '../../http/route-access.js';
import { sendJson } from '../../http/send-json.js';
import type { DeploymentTarget } from '../deployment-target.js';
import { doorErrorHandler, sendDoorError } from './door-error-handler.js';
import { deploymentName, type DoorDeps } from './door-deps.js';
import type { VersionSelector } from './inference-service.js';
import { requestDeadline, DEADLINE_HEADER } from './request-deadline.js';
import { routingOf } from './routing-headers.js';
import { parseTfServingPredict, tfServingMetadata, tfServingPredictions, tfServingStatus } from './tf-serving.js';

const PATH = /^\/([^/:]+)(?:\/versions\/(\d{1,9})|\/labels\/([^/:]+))?(:predict|:classify|:regress|\/metadata)?\/?$/;

interface Target {
  owner: string;
  name: string;
  selector: VersionSelector;
  action: string | undefined;
}

function targetOf(req: Request): Target {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    path = req.path;
  }
  const match = PATH.exec(path);
  if (!match) throw notFound(`No TF Serving route ${req.method} /v1/models${req.path}`);
  const [, model, version, label, action] = match;
  const parts = deploymentName(model!);
  if (!parts) throw notFound(`Model "${model}" (deployments are named {owner}.{deployment})`);
  return { ...parts, selector: version !== undefined ? { versionNumber: Number(version) } : label !== undefined ? { label } : {}, action };
}

export function tfServingRouter(deps: DoorDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  const caller = routeAccess(deps.accounts, { scope: Scope.INFERENCE });

  router.post('/*path', caller, jsonBody(deps.maxBodyBytes), async (req: Request, res: Response) => {
    const target = targetOf(req);
    if (target.action !== ':predict') {
      throw notFound(target.action === ':classify' || target.action === ':regress' ? `${target.action} (the Classify and Regress APIs are not served; use :predict)` : `No TF Serving route POST /v1/models${req.path}`);
    }
    const deadlineAt = requestDeadline(req.headers[DEADLINE_HEADER], deps.deadlineMs, now());
    // The body is read once the deployment is known to the caller: a hidden one is 404 whatever was sent.
    let columnar = false;
    const records = (t: DeploymentTarget) => {
      const request = parseTfServingPredict(req.body);
      columnar = request.columnar;
      return request.records(t);
    };
    const field = typeof req.body === 'object' && req.body !== null && 'inputs' in req.body ? 'inputs' : 'instances';
    const prediction = await deps.inference.predict(requiredPrincipal<Principal>(res), target.owner, target.name, target.selector, records, deadlineAt, field, routingOf(req));
    // TF Serving's body has no version; the header says which one answered (a split deployment's variants, or two during a rolling update).
    sendJson(res, tfServingPredictions(prediction.target, prediction.answer, columnar), 200, { ...prediction.rateLimit, 'X-Model-Version': String(prediction.answer.versionNumber) });
  });

  router.get('/*path', caller, async (req: Request, res: Response) => {
    const target = targetOf(req);
    if (target.action !== undefined && target.action !== '/metadata') throw notFound(`No TF Serving route GET /v1/models${req.path}`);
    const view = await deps.inference.describe(requiredPrincipal<Principal>(res), target.owner, target.name, target.selector);
    res.json(target.action === '/metadata' ? tfServingMetadata(view) : tfServingStatus(view));
  });

  router.use((req: Request, res: Response) => sendDoorError(res, 404, `No TF Serving route ${req.method} /v1/models${req.path}`));
  router.use(doorErrorHandler(deps.development));
  return router;
}
