/** A node registered for a user and a real agent process connected with its token: how most integration tests get compute. */
import { spawnAgent, type AgentProcess } from './agent.js';
import { registerNode } from './compute.js';
import type { TestHub } from './hub.js';

/** Registers the node `name` for the token's user, starts an agent for it (extra `args`, `env`) and waits until it is connected. */
export async function connectAgent(hub: TestHub, token: string, name: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ agent: AgentProcess; nodeId: string }> {
  const node = await registerNode(hub, token, name);
  const agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', name, ...args], env);
  await agent.waitFor(/connected to hub/);
  return { agent, nodeId: node.nodeId };
}
