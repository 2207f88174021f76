/** Compute helpers for tests: nodes, jobs, and waiting for a job to reach a state. */
import type { TestHub } from './hub.js';

/** Settings that make leases, retries and housekeeping fast enough to watch in a test. */
export const FAST_SCHEDULER = {
  AIMASS_AGENT_HEARTBEAT_SECONDS: '1',
  AIMASS_JOB_LEASE_SECONDS: '3',
  AIMASS_SCHEDULER_TICK_SECONDS: '1',
  AIMASS_JOB_RETRY_BASE_SECONDS: '0',
  AIMASS_BENCHMARK_ON_JOIN: 'false',
};

/** Benchmark evaluations accepted from one run without spot checks: for tests whose one node answers with made-up predictions. */
export const UNVERIFIED = {
  AIMASS_EVALUATION_QUORUM: '1',
  AIMASS_EVALUATION_SPOT_ROWS: '0',
};

export const JOB_FIELDS = `id kind status attempts failures maxAttempts progress progressMessage result error
  node { id name } history { attempt nodeId nodeName outcome reason }`;

export async function registerNode(hub: TestHub, token: string, name: string): Promise<{ token: string; nodeId: string }> {
  const res = await hub.graphql(`mutation($name: String!) { registerNode(input: { name: $name }) { token node { id } } }`, { name }, token);
  if (!res.data?.registerNode) throw new Error(`registerNode failed: ${JSON.stringify(res.errors)}`);
  return { token: res.data.registerNode.token, nodeId: res.data.registerNode.node.id };
}

export async function submitJob(hub: TestHub, token: string, input: object): Promise<any> {
  const res = await hub.graphql(`mutation($input: SubmitJobInput!) { submitJob(input: $input) { ${JOB_FIELDS} } }`, { input }, token);
  if (!res.data?.submitJob) throw new Error(`submitJob failed: ${JSON.stringify(res.errors)}`);
  return res.data.submitJob;
}

export async function getJob(hub: TestHub, token: string, id: string): Promise<any> {
  const res = await hub.graphql(`query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`, { id }, token);
  if (!res.data?.job) throw new Error(`job failed: ${JSON.stringify(res.errors)}`);
  return res.data.job;
}

/** Polls until `done(job)` holds; fails with the last state seen. */
export async function waitForJob(hub: TestHub, token: string, id: string, done: (job: any) => boolean, timeoutMs = 30_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let job: any;
  while (Date.now() < deadline) {
    job = await getJob(hub, token, id);
    if (done(job)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} never reached the expected state; last seen: ${JSON.stringify(job)}`);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
