/**
 * One pass of the subscription server's credential check (subscriptions.ts): the connections open
 * when it starts are asked about in one query, and those whose session or key is no longer live
 * are ended. A connection opened while the query runs is not in its answer, so it is left for
 * the next pass rather than ended as if its credential were gone.
 */
import type { Principal } from '../accounts/principal.js';

export type Credential = Pick<Principal, 'via' | 'credentialId'>;

export async function sweepCredentials<Socket>(
  open: ReadonlyMap<Socket, Credential>,
  liveCredentials: (credentials: Credential[]) => Promise<Set<string>>,
  end: (socket: Socket) => void,
): Promise<void> {
  const asked = [...open];
  if (asked.length === 0) return;
  const alive = await liveCredentials(asked.map(([, credential]) => credential));
  for (const [socket, credential] of asked) if (open.has(socket) && !alive.has(credential.credentialId)) end(socket);
}
