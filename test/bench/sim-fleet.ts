/**
 * The compute benchmark's simulated fleet: nodes registered through GraphQL, SimAgents connected
 * for them (sim-agent.ts), echo jobs submitted, and the hub's /metrics counters read.
 */
import { graphql, onCleanup, signUp, sleep, type Hub } from './harness.js';
import { SimAgent, type Pace } from './sim-agent.js';

export interface RegisteredNode {
  id: string;
  token: string;
}

/** Registers `count` nodes, at most 100 per user (the hub allows 200 per user). */
export async function registerNodes(hub: Hub, count: number, owner?: { token: string }): Promise<RegisteredNode[]> {
  const nodes: RegisteredNode[] = [];
  let user = owner;
  for (let i = 0; i < count; i++) {
    if (!user || (i > 0 && i % 100 === 0)) user = await signUp(hub);
    const data = await graphql(hub, `mutation($name: String!) { registerNode(input: { name: $name }) { token node { id } } }`, { name: `bench-${i}` }, user.token);
    nodes.push({ id: data.registerNode.node.id, token: data.registerNode.token });
  }
  return nodes;
}

const SUBMIT = `mutation($input: SubmitJobInput!) { submitJob(input: $input) { id } }`;
const ECHO = { kind: 'echo', payload: { durationMs: 0, steps: 1 } };

export async function submitEcho(hub: Hub, token: string): Promise<string> {
  return (await graphql(hub, SUBMIT, { input: ECHO }, token)).submitJob.id;
}

/** A counter of the hub's /metrics, summed over the series whose labels contain `labels`. */
export async function metric(hub: Hub, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === '{' || line[name.length] === ' ') && line.includes(labels)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

export interface AgentSet {
  agents: SimAgent[];
  /** Closes every socket, then gives the hub a moment to process the closes (detach, node offline). */
  close(): Promise<void>;
}

export async function connectAgents(hub: Hub, nodes: RegisteredNode[], pace: Pace | null, onAssign?: (jobId: string, at: number) => void): Promise<AgentSet> {
  const agents = nodes.map((n) => new SimAgent(hub.wsUrl, n.token, { pace, onAssign }));
  const closeAll = () => Promise.all(agents.map((a) => a.close()));
  const forget = onCleanup('close simulated agents', closeAll);
  // In batches, so 200 handshakes do not all land at once.
  for (let i = 0; i < agents.length; i += 20) await Promise.all(agents.slice(i, i + 20).map((a) => a.connect()));
  return {
    agents,
    async close() {
      forget();
      await closeAll();
      await sleep(300);
    },
  };
}
