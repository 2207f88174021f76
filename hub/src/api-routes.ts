/**
 * Every REST route under /api, mounted in one place. Each route declares its credential and API
 * key scope with http/route-access.ts; job routes (opened by an agent's job token only) are
 * declared where they are mounted, here.
 */
import type { Express } from 'express';
import { jobFilesRouter } from './compute/job-files.routes.js';
import { datasetsRouter } from './datasets/datasets.routes.js';
import { modelsRouter } from './catalog/models.routes.js';
import { sendError } from './http/error-handler.js';
import { jobTokenOnly } from './http/route-access.js';
import { mlFilesRouter, mlSqlRouter } from './ml/index.js';
import type { Services } from './services.js';
import { sqlRouter } from './sql/sql.routes.js';
import { trainingFilesRouter } from './training/training-files.routes.js';

export function mountApi(app: Express, services: Services): void {
  app.use('/api/jobs', jobTokenOnly(), jobFilesRouter(services));
  app.use('/api/jobs', jobTokenOnly(), trainingFilesRouter(services));
  app.use('/api/jobs', jobTokenOnly(), mlFilesRouter(services));
  app.use('/api/datasets', datasetsRouter(services));
  app.use('/api/models', modelsRouter(services));
  app.use('/api/sql', sqlRouter(services));
  app.use('/api/sql', mlSqlRouter(services));
  app.use('/api', (req, res) => sendError(res, 404, 'NOT_FOUND', `No API route ${req.method} ${req.path}`));
}
