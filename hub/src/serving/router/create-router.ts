/**
 * Builds the inference router of a hub: the router over the replica directory, the transport to
 * replicas on this hub (registered with compute's AgentFrames for their answers) and on the other
 * hubs (the hub channel). `start` begins hearing other hubs' requests, `close` gives up on what is
 * outstanding.
 */
import type { ComputeServices } from '../../compute/index.js';
import type { Config } from '../../config.js';
import type { HubChannel } from '../../events/hub-channel.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { InferenceRouter } from '../inference.js';
import type { ReplicaDirectory } from '../replica-directory.js';
import { AgentTransport, type AgentSessions } from './agent-transport.js';
import { HubTransport } from './hub-transport.js';
import { ReplicaRouter } from './replica-router.js';
import { routedTransport } from './routed-transport.js';
import { systemClock, type RouterClock } from './router-clock.js';

export interface RouterParts {
  directory: ReplicaDirectory;
  scheduler: AgentSessions;
  agentFrames: ComputeServices['agentFrames'];
  channel: HubChannel;
  config: Config;
  metrics: Metrics;
  log: Logger;
  clock?: RouterClock;
}

export interface HubRouter {
  router: InferenceRouter;
  /** Starts relaying other hubs' requests to the agents connected here. */
  start(): void;
  close(): void;
}

export function createRouter({ directory, scheduler, agentFrames, channel, config, metrics, log, clock = systemClock }: RouterParts): HubRouter {
  const local = new AgentTransport(scheduler);
  agentFrames.register(local);
  const remote = new HubTransport(channel, local, clock, log);
  const router = new ReplicaRouter(directory, routedTransport(channel.instanceId, local, remote), config.inference, clock, metrics, log);
  return {
    router,
    start: () => remote.start(),
    close() {
      router.close();
      remote.close();
    },
  };
}
