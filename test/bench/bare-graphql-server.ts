/**
 * The baselines of the catalog benchmark: a bare graphql-js server. `graphql()` over node:http,
 * nothing else (no Apollo, no auth, no limits), executing against the hub's own printed SDL
 * (schema/schema.graphql) with answers from memory: for each operation name, the data the hub
 * answered for it, so both servers build and send the same shape and bytes.
 *
 * Run as a child process by catalog.bench.ts in one of two ways:
 *
 * - `node bare-graphql-server.js SDL_FILE DATA_FILE`: answers from memory, no database.
 * - `node bare-graphql-server.js SDL_FILE DATA_FILE STATEMENTS_FILE DATABASE_URL POOL_SIZE`: the
 *   same, after sending PostgreSQL the SQL the hub sent for the same request (the "bare
 *   graphql-js with the same SQL"). STATEMENTS_FILE is JSON `{ [operationName + "\n" +
 *   JSON.stringify(variables)]: [{ text, parameters, name? }] }`, as a hub with
 *   AIMASS_DEBUG_SQL_TEXT reported them; each request's statements run in order on one pooled
 *   connection (`pg`, POOL_SIZE connections, as many as the hub's pool), named ones as named
 *   prepared statements as the hub sent them, and their rows are read and dropped.
 *
 * DATA_FILE is JSON `{ [operationName]: data }`. Prints `{"port":N}` once listening.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { buildSchema, graphql } from 'graphql';
import pg from 'pg';

interface Statement {
  text: string;
  parameters: unknown[];
  name?: string;
}

const [sdlFile, dataFile, statementsFile, databaseUrl, poolSize] = process.argv.slice(2);
const schema = buildSchema(readFileSync(sdlFile, 'utf8'));
const answers = JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, Record<string, unknown>>;
const statements = statementsFile ? (JSON.parse(readFileSync(statementsFile, 'utf8')) as Record<string, Statement[]>) : undefined;
const pool = statements ? new pg.Pool({ connectionString: databaseUrl, max: Number(poolSize) }) : undefined;

/** Sends `request`'s statements in order on one connection, as the hub did. */
async function sendSql(key: string): Promise<void> {
  const sql = statements![key];
  if (!sql) throw new Error(`no statements recorded for ${key}`);
  const client = await pool!.connect();
  try {
    for (const s of sql) await client.query(s.name ? { name: s.name, text: s.text, values: s.parameters } : { text: s.text, values: s.parameters });
  } finally {
    client.release();
  }
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown>; operationName?: string };
    const name = body.operationName ?? /^\s*query\s+(\w+)/.exec(body.query)?.[1] ?? '';
    try {
      if (statements) await sendSql(`${name}\n${JSON.stringify(body.variables ?? {})}`);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      return;
    }
    const result = await graphql({ schema, source: body.query, variableValues: body.variables, rootValue: answers[name] ?? {} });
    const json = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});
process.on('SIGTERM', () => server.close(() => void (pool?.end() ?? Promise.resolve()).then(() => process.exit(0))));
