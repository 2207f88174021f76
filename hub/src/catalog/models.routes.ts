/**
 * REST: uploading and downloading model versions.
 *
 *   POST /api/models/:owner/:name/versions              multipart/form-data: model.json + weight shards
 *   GET  /api/models/:owner/:name/versions/:n/<path>    model.json or a shard of version n
 *   GET  /api/models/:owner/:name/aliases/:alias/<path> the same, through an alias
 *
 * The download URLs put the shards beside model.json, so `tf.loadLayersModel(url)` works against
 * them directly. Uploads need `Authorization: Bearer <session token or API key with models:write>`;
 * downloads of a non-public model need a token of someone who may read it (others get 404).
 * An upload that would cross the owner's artifact quota (AIMASS_QUOTA_ARTIFACT_BYTES) is refused
 * with 413 `{ error: { code: 'QUOTA_EXCEEDED', quota, owner, used, limit, adding } }`.
 */
import { Router, type Request, type Response } from 'express';
import type { Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { badInput } from '../errors.js';
import { countedUpload } from '../http/counted-upload.js';
import { principalOf, requiredPrincipal, routeAccess } from '../http/route-access.js';
import type { Metrics } from '../metrics.js';
import type { Services } from '../module.js';
import type { VersionRef } from './catalog.service.js';

export function modelsRouter(services: Pick<Services, 'accounts' | 'catalog'>, metrics: Pick<Metrics, 'uploads'>): Router {
  const router = Router();

  const writer = routeAccess(services.accounts, { scope: Scope.MODELS_WRITE });
  const reader = routeAccess(services.accounts, { scope: Scope.MODELS_READ, anonymous: true });

  router.post('/:owner/:name/versions', writer, async (req: Request, res: Response) => {
    const principal = requiredPrincipal<Principal>(res);
    const version = await countedUpload(metrics.uploads, 'model', services.catalog.upload(principal, String(req.params.owner), String(req.params.name), req.headers, req));
    res.status(201).json({
      id: version.id,
      number: version.number,
      status: version.status,
      files: Object.entries(version.files).map(([path, f]) => ({ path, ...f })),
      signature: version.signature,
      createdAt: version.createdAt,
    });
  });

  const download = (refOf: (req: Request) => VersionRef) => async (req: Request, res: Response) => {
    const principal = principalOf<Principal>(res);
    const segments = req.params.path as unknown as string[];
    const file = await services.catalog.openFile(principal, String(req.params.owner), String(req.params.name), refOf(req), segments.join('/'));
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('ETag', `"${file.sha256}"`);
    // Private models must not sit in shared caches.
    res.setHeader('Cache-Control', 'private, max-age=0');
    res.type(segments.at(-1) === 'model.json' ? 'application/json' : 'application/octet-stream');
    file.body.on('error', (error) => res.destroy(error));
    file.body.pipe(res);
  };

  router.get(
    '/:owner/:name/versions/:n/*path',
    reader,
    download((req) => {
      const n = String(req.params.n);
      if (!/^\d{1,9}$/.test(n)) throw badInput('n', 'must be a version number');
      return { number: Number(n) };
    }),
  );
  router.get('/:owner/:name/aliases/:alias/*path', reader, download((req) => ({ alias: String(req.params.alias) })));
  return router;
}
