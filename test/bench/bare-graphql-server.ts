/**
 * The baseline of the catalog benchmark: a bare graphql-js server. `graphql()` over node:http,
 * nothing else (no Apollo, no auth, no database, no limits), executing against the hub's own
 * printed SDL (schema/schema.graphql) with answers from memory: for each operation name, the data
 * the hub answered for it, so both servers build and send the same shape and bytes.
 *
 * Run as a child process by catalog.bench.ts: `node bare-graphql-server.js SDL_FILE DATA_FILE`,
 * where DATA_FILE is JSON `{ [operationName]: data }`. Prints `{"port":N}` once listening.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { buildSchema, graphql } from 'graphql';

const [sdlFile, dataFile] = process.argv.slice(2);
const schema = buildSchema(readFileSync(sdlFile, 'utf8'));
const answers = JSON.parse(readFileSync(dataFile, 'utf8')) as Record<string, Record<string, unknown>>;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown>; operationName?: string };
    const name = body.operationName ?? /^\s*query\s+(\w+)/.exec(body.query)?.[1] ?? '';
    const result = await graphql({ schema, source: body.query, variableValues: body.variables, rootValue: answers[name] ?? {} });
    const json = JSON.stringify(result);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
