/** The compute module: nodes, the job queue and its scheduler, the trust lists; the echo and benchmark job kinds. */
import type { AccountsServices } from '../accounts/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { AgentFrames } from './agent-frames.js';
import { jobAgentRouter } from './job-agent.routes.js';
import { JobKinds } from './job-kinds.js';
import { JobResolver } from './job.resolver.js';
import { JobsService } from './jobs.service.js';
import { NodeResolver } from './node.resolver.js';
import { NodesService } from './nodes.service.js';
import { Scheduler } from './scheduler.js';
import { TrustResolver } from './trust.resolver.js';
import { TrustService } from './trust.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const computeResolvers = [NodeResolver, TrustResolver, JobResolver] as const;

export interface ComputeServices {
  nodes: NodesService;
  /** Trusted-node and trusted-provider lists (residency: compute/placement.ts). */
  trust: TrustService;
  jobs: JobsService;
  scheduler: Scheduler;
  /** Every job kind's hooks, declared by the modules that own them (job-kinds.ts). */
  jobKinds: JobKinds;
  /** Handlers of the replica frames agents send (agent-frames.ts), registered by serving. */
  agentFrames: AgentFrames;
}

export function computeModule(
  { db, config, events, signals, metrics, log }: HubFloor,
  { accounts, organizations, nodeTokens }: Pick<AccountsServices, 'accounts' | 'organizations' | 'nodeTokens'>,
  /**
   * The database to claim jobs on, over a connection of their own that runs the claim as a prepared
   * statement (db/prepared.ts); undefined on PGlite, whose one session every connection shares.
   */
  claimDatabaseUrl: string | undefined,
): HubModule<ComputeServices> {
  const jobKinds = new JobKinds();
  const nodes = new NodesService(db, nodeTokens, events, signals);
  const jobs = new JobsService(db, organizations, events, signals, jobKinds);
  const scheduler = new Scheduler(db, config, jobs, nodes, jobKinds, signals, metrics, log.child({ component: 'scheduler' }), claimDatabaseUrl);
  return {
    name: 'compute',
    services: { nodes, trust: new TrustService(db, accounts, organizations, nodes), jobs, scheduler, jobKinds, agentFrames: new AgentFrames() },
    resolvers: computeResolvers,
    routes: [{ path: '/jobs', router: jobAgentRouter(scheduler), jobTokenOnly: true }],
    jobKinds: {
      // Time-bound: a node that takes longer than asked is slow at the least.
      echo: { submittable: true, readsData: false, work: (p) => p.durationMs / 1000 },
      benchmark: {
        submittable: true,
        readsData: false,
        async onSucceeded(job, result) {
          await nodes.recordBenchmark(job.nodeId, result.gflops, result.stepsPerSecond);
          const session = scheduler.session(job.nodeId);
          if (session) session.gflops = result.gflops;
        },
      },
    },
    start: () => scheduler.warm(),
    stop: () => scheduler.close(),
  };
}
