/** `Bearer <token>` → token; anything else → undefined. Used by REST routes, GraphQL over HTTP and graphql-ws. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return match?.[1];
}
