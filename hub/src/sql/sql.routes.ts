/**
 * REST: the SQL surface.
 *
 *   POST /api/sql   { "query": "SELECT …", "first"?: 100, "after"?: "<endCursor>" }
 *
 * Authenticated by `Authorization: Bearer <session token or API key with datasets:read>`.
 * Answers 200 `{ statement, columns: [{ name, type }], rows: [[…]], totalCount, pageInfo, datasets }`,
 * or `{ error: { code, message, fields } }` with 400 (BAD_USER_INPUT; `fields[0]` names `query`
 * with its `line` and `column`), 401, 403, 404 (a dataset or model you may not read), 409, or 503
 * (SQL_UNAVAILABLE: the SQL sandbox is not set up on this hub; /readyz says why).
 */
import express, { Router, type Request, type Response } from 'express';
import type { Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { badInput } from '../errors.js';
import { requiredPrincipal, routeAccess } from '../http/route-access.js';
import type { Services } from '../module.js';
import { toSqlResult } from './sql-result.js';

export function sqlRouter(services: Pick<Services, 'accounts' | 'config' | 'sql'>): Router {
  const router = Router();
  const access = routeAccess(services.accounts, { scope: Scope.DATASETS_READ });
  router.post('/', access, express.json({ limit: services.config.maxBodyBytes }), async (req: Request, res: Response) => {
    const principal = requiredPrincipal<Principal>(res);
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badInput('body', 'must be a JSON object { "query": "SELECT …" }');
    const { query, first, after } = body as Record<string, unknown>;
    if (typeof query !== 'string') throw badInput('query', 'must be a string holding one SQL statement');
    if (first !== undefined && first !== null && typeof first !== 'number') throw badInput('first', 'must be a number');
    if (after !== undefined && after !== null && typeof after !== 'string') throw badInput('after', 'must be a string (a cursor)');
    const result = await services.sql.run(principal, query, { first: first ?? null, after: after ?? null });
    res.json(toSqlResult(result, Boolean(after)));
  });
  return router;
}
