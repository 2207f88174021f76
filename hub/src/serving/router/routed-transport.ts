/** One transport over both: a replica on this hub gets the agent's socket, one on another hub goes through that hub. */
import type { ReplicaTransport } from './replica-transport.js';

export function routedTransport(instanceId: string, local: ReplicaTransport, remote: ReplicaTransport): ReplicaTransport {
  return {
    send: (replica, request, settle) => (replica.hubInstance === instanceId ? local : remote).send(replica, request, settle),
    abandon(requestId) {
      local.abandon(requestId);
      remote.abandon(requestId);
    },
  };
}
