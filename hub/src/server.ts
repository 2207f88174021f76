/**
 * The hub process: one HTTP server carrying GraphQL (HTTP and graphql-ws), health, metrics, the
 * agent WebSocket and the portal. Everything is built here from a Config, so tests start real
 * hubs on random ports and nothing is read at import time.
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import express, { type Request } from 'express';
import cron from 'node-cron';
import { AgentGateway } from './compute/agent-gateway.js';
import { mountApi, quietAccessLog } from './api-routes.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { createSignals } from './db/signals.js';
import { countStatements } from './db/statement-count.js';
import { createHubChannel } from './events/hub-channel.js';
import { buildContext, type Context } from './graphql/context.js';
import { formatError } from './graphql/format-error.js';
import { metricsPlugin } from './graphql/metrics-plugin.js';
import { noStorePlugin } from './graphql/no-store-plugin.js';
import { operationGuardPlugin } from './graphql/operation-guard.js';
import { sqlStatementsPlugin } from './graphql/sql-statements-plugin.js';
import { createSchema } from './graphql/schema.js';
import { createSubscriptionServer } from './graphql/subscriptions.js';
import { errorHandler, sendError } from './http/error-handler.js';
import { requestContext } from './http/request-context.js';
import { securityHeaders, withStyleNonce } from './http/security-headers.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createEventBus } from './pubsub.js';
import { entities } from './entities.js';
import { createModules, type Services } from './services.js';

export interface Hub {
  /** Where the hub listens, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  db: Database;
  services: Services;
  log: Logger;
  close(): Promise<void>;
}

export async function startHub(config: Config, log: Logger = createLogger(config)): Promise<Hub> {
  const development = config.env === 'development';
  const db = await openDatabase(config, log, entities);
  const metrics = createMetrics();
  // PGlite's NOTIFY does not cross connections: there, events and signals stay in process (one hub per data dir).
  const channel = await createHubChannel(db.kind === 'pglite' ? undefined : db.url, log.child({ component: 'hub-channel' }));
  const events = createEventBus(channel, log, metrics);
  const signals = createSignals(channel, log);
  const { modules, services } = createModules({ db: db.dataSource, config, events, signals, channel, metrics, log }, { url: db.url, kind: db.kind });
  for (const module of modules) await module.start?.();
  const schema = await createSchema(events, modules.flatMap((m) => m.resolvers ?? []));

  const app = express();
  app.disable('x-powered-by');
  // A hop count, never `true`: with `true` a client's own X-Forwarded-For would name its address.
  app.set('trust proxy', config.trustProxyHops);
  const httpServer = createServer(app);
  // Node's 5 s keep-alive closes idle connections that clients and proxies (whose idle timeouts
  // are commonly 60 s) still hold: a request sent on one just as it closes fails ("other side
  // closed"). Outlasting them leaves the close to the client.
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;

  const gateway = new AgentGateway(services, metrics, log.child({ component: 'agent-gateway' }));

  const armor = new ApolloArmor({
    maxDepth: { n: config.graphqlLimits.depth, ignoreIntrospection: true },
    maxAliases: { n: config.graphqlLimits.aliases },
    costLimit: { maxCost: config.graphqlLimits.cost },
    // The token limit is graphql-js's own parse option below: armor's plugin throws from parsingDidStart,
    // which Apollo answers with HTTP 500, and an over-long query is the client's mistake (400).
    maxTokens: { enabled: false },
    maxDirectives: { n: config.graphqlLimits.directives },
    blockFieldSuggestion: { enabled: !development },
  }).protect();

  const subscriptions = createSubscriptionServer({
    schema,
    services,
    log,
    validationRules: armor.validationRules,
    maxTokens: config.graphqlLimits.tokens,
    trustProxyHops: config.trustProxyHops,
    development,
  });

  httpServer.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://hub').pathname;
    const target = pathname === '/graphql' ? subscriptions.wss : pathname === '/agents' ? gateway.wss : undefined;
    if (!target) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
  });

  const apollo = new ApolloServer<Context>({
    schema,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: config.graphqlLimits.tokens },
    plugins: [
      // armor's types come from Apollo's CommonJS build; the objects are the same at run time.
      ...(armor.plugins as unknown as ApolloServerPlugin<Context>[]),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Apollo's landing page loads its sandbox from a CDN; nothing here may.
      ApolloServerPluginLandingPageDisabled(),
      // The same `Cache-Control: no-store` without a hook on every resolved field (no-store-plugin.ts).
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      operationGuardPlugin(),
      metricsPlugin(metrics),
      sqlStatementsPlugin(metrics, { count: config.debugSqlCount, text: config.debugSqlText }),
    ],
    // main.ts owns SIGINT/SIGTERM (it stops the agent, then the hub). Apollo's own handlers would
    // re-raise the signal into a handler that is already stopping, and the process would never exit.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: development,
    formatError: (formatted, error) => formatError(formatted, error, { development, log }),
  });
  await apollo.start();

  const routeLabel = (req: Request) =>
    req.route ? `${req.baseUrl}${req.route.path}` : req.baseUrl || (req.method === 'GET' ? 'static' : 'other');
  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: res.statusCode === 404 ? 'not_found' : routeLabel(req) };
      end(labels);
      metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
    });
    next();
  });
  app.use(requestContext(log, { quiet: quietAccessLog(modules) }));
  app.use(securityHeaders());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await db.ready();
    const sql = services.sql.status();
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      database: db.kind,
      sql: sql.available ? { available: true } : { available: false, reason: sql.reason },
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    // Everything Apollo does for this request, and the SQL it sends, runs in one counting scope.
    (_req, _res, next) => countStatements(next, config.debugSqlText),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        buildContext(services, {
          requestId: String(req.id),
          log: req.log,
          client: { ip: req.ip ?? 'unknown', userAgent: req.headers['user-agent'] },
          authorization: req.headers.authorization,
        }),
    }),
  );

  mountApi(app, modules);

  // The portal: static files, and index.html for every other GET so deep links work.
  const indexHtml = path.join(config.webDir, 'index.html');
  // index.html always goes out with this response's style nonce (see http/security-headers.ts).
  const sendIndex = async (_req: Request, res: express.Response) => {
    if (!existsSync(indexHtml)) {
      res.status(503).type('text/plain').send('The portal is not built. Run `npm run build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(withStyleNonce(await readFile(indexHtml, 'utf8'), res));
  };
  app.get('/index.html', sendIndex);
  app.use(express.static(config.webDir, { index: false, maxAge: '1h' }));
  app.get('/{*path}', sendIndex);
  app.use((req, res) => sendError(res, 404, 'NOT_FOUND', `No route ${req.method} ${req.path}`));
  app.use(errorHandler(development));

  // Housekeeping: each module sweeps what it leaves behind (expired sessions, upload files a crash left behind, orphan blobs…).
  const housekeeping = cron.schedule('*/10 * * * *', async () => {
    for (const module of modules) {
      try {
        await module.housekeeping?.();
      } catch (error) {
        log.error({ err: error, module: module.name }, 'housekeeping failed');
      }
    }
  }, { name: 'hub-housekeeping' });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    db,
    services,
    log,
    close() {
      closing ??= (async () => {
        await housekeeping.stop();
        const reversed = [...modules].reverse();
        for (const module of reversed) await module.stop?.();
        await gateway.close();
        await subscriptions.dispose();
        await apollo.stop();
        await signals.close();
        for (const module of reversed) await module.close?.();
        await channel.close();
        await db.close();
      })();
      return closing;
    },
  };
}
