/**
 * Serving's side of SQL without a hub: deploying what CREATE MODEL trained (create, move to the new
 * version, leave another model's deployment alone, act as the user with the credential they used),
 * and ML.PREDICT online (the caller's own access, the version asked for, deployments passed over).
 */
import { describe, expect, it } from 'vitest';
import type { Principal, User } from '../../accounts/index.js';
import { AppError, notFound } from '../../errors.js';
import type { TrainedVersionEvent } from '../../training/index.js';
import type { Prediction } from '../doors/inference-service.js';
import { DeploymentOnlinePredictor } from '../from-sql/deployment-online-predictor.js';
import { TrainedVersionDeployer, deploymentWriter, type DeploymentsForSql } from '../from-sql/trained-version-deployer.js';

const alice = { id: 'u-alice', username: 'alice' } as User;
const model = { id: 'm-churn', owner: 'alice', name: 'churn' };

function event(deploy: TrainedVersionEvent['deploy'], versionNumber = 1): TrainedVersionEvent {
  return { runId: 'r1', jobId: 'j1', userId: alice.id, model, versionId: 'v', versionNumber, deploy };
}

/** An in-memory deployments service with DeploymentsService's get / create / update shapes. */
function fakeDeployments() {
  const rows = new Map<string, { modelId: string; versionNumber: number }>();
  const calls: string[] = [];
  const deployments: DeploymentsForSql = {
    async get(_viewer, owner, name) {
      const d = rows.get(`${owner}/${name}`);
      if (!d) throw notFound('Deployment');
      return d;
    },
    async create(principal, input) {
      calls.push(`create ${input.owner}/${input.name} ${input.model}@${input.version} by ${principal.user.username}`);
      rows.set(`${input.owner}/${input.name}`, { modelId: model.id, versionNumber: input.version! });
    },
    async update(principal, owner, name, input) {
      calls.push(`update ${owner}/${name} @${input.version} by ${principal.user.username}`);
      rows.get(`${owner}/${name}`)!.versionNumber = input.version!;
    },
  };
  return { rows, calls, deployments };
}

const accounts = (live = true) => ({
  usersByIds: async (ids: readonly string[]) => (ids.includes(alice.id) ? [alice] : []),
  liveCredentials: async (credentials: readonly Pick<Principal, 'via' | 'credentialId'>[]) => new Set(live ? credentials.map((c) => c.credentialId) : []),
});

describe('deploying what CREATE MODEL trained', () => {
  it('creates the deployment named after the model, then moves it to each new version', async () => {
    const { calls, deployments } = fakeDeployments();
    const deployer = new TrainedVersionDeployer(accounts(), deploymentWriter(deployments));
    const asked = { name: 'churn', via: 'session' as const, credentialId: 's1', scopes: 'all' as const };
    expect(await deployer.deployTrained(event(asked, 1))).toBe('deployment alice/churn created for version 1');
    expect(await deployer.deployTrained(event(asked, 2))).toBe('deployment alice/churn moving to version 2');
    expect(await deployer.deployTrained(event(asked, 2))).toBe('deployment alice/churn already serves version 2');
    expect(calls).toEqual(['create alice/churn alice/churn@1 by alice', 'update alice/churn @2 by alice']);
  });

  it('does nothing when the statement asked for no deployment', async () => {
    const { calls, deployments } = fakeDeployments();
    expect(await new TrainedVersionDeployer(accounts(), deploymentWriter(deployments)).deployTrained(event(null))).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('leaves a deployment of that name serving another model alone, and says why', async () => {
    const { rows, calls, deployments } = fakeDeployments();
    rows.set('alice/api', { modelId: 'm-other', versionNumber: 4 });
    const deployer = new TrainedVersionDeployer(accounts(), deploymentWriter(deployments));
    await expect(deployer.deployTrained(event({ name: 'api', via: 'session', credentialId: 's1', scopes: 'all' }))).rejects.toThrow(
      "version 1 was not deployed to alice/api: deployment alice/api serves another model: name a deployment of alice/churn with deployment = '…'",
    );
    expect(calls).toEqual([]);
  });

  it('acts with the scopes of the API key that ran the statement, and not at all once it is revoked', async () => {
    const seen: Principal[] = [];
    const writer = { createOrUpdate: async (principal: Principal) => (seen.push(principal), 'created' as const) };
    const asked = { name: 'churn', via: 'apiKey' as const, credentialId: 'k1', scopes: ['models:read', 'models:write'] };
    await new TrainedVersionDeployer(accounts(true), writer).deployTrained(event(asked));
    expect(seen[0]).toMatchObject({ user: alice, via: 'apiKey', credentialId: 'k1', scopes: new Set(['models:read', 'models:write']) });
    await expect(new TrainedVersionDeployer(accounts(false), writer).deployTrained(event(asked))).rejects.toThrow('the API key that ran CREATE MODEL was revoked or expired since');
    expect(seen).toHaveLength(1);
  });
});

describe('ML.PREDICT through a deployment', () => {
  const principal = { user: alice, via: 'session', credentialId: 's1', scopes: 'all' } as Principal;
  const answer = (versionNumber: number, outputs: number[][]) => ({ answer: { outputs, versionNumber } }) as unknown as Prediction;

  it('calls the first deployment this caller may call, for exactly the version asked, as the caller', async () => {
    const calls: unknown[] = [];
    const inference = {
      predict: async (p: Principal, owner: string, name: string, selector: { versionNumber?: number }, records: unknown) => {
        calls.push({ user: p.user.username, deployment: `${owner}/${name}`, selector, records });
        if (name === 'hidden') throw notFound('Deployment');
        return answer(2, [[0.1, 0.9]]);
      },
    };
    const deployments = { serving: async () => [{ owner: 'bob', name: 'hidden' }, { owner: 'alice', name: 'churn' }] };
    const predictor = new DeploymentOnlinePredictor(inference, deployments, 5000, () => 1000);
    expect(await predictor.predict(principal, { model, versionNumber: 2, records: [{ tenure: 3 }] })).toEqual({ outputs: [[0.1, 0.9]], deployment: 'alice/churn' });
    expect(calls).toEqual([
      { user: 'alice', deployment: 'bob/hidden', selector: { versionNumber: 2 }, records: [{ tenure: 3 }] },
      { user: 'alice', deployment: 'alice/churn', selector: { versionNumber: 2 }, records: [{ tenure: 3 }] },
    ]);
  });

  it('answers null when no deployment serves the version, and lets refusals through (ML.PREDICT runs its job)', async () => {
    const none = new DeploymentOnlinePredictor({ predict: async () => answer(1, []) }, { serving: async () => [] }, 5000);
    expect(await none.predict(principal, { model, versionNumber: 1, records: [{}] })).toBeNull();
    const busy = new DeploymentOnlinePredictor(
      { predict: async () => Promise.reject(new AppError('UNAVAILABLE', 'every replica is busy')) },
      { serving: async () => [{ owner: 'alice', name: 'churn' }] },
      5000,
    );
    await expect(busy.predict(principal, { model, versionNumber: 1, records: [{}] })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const wrong = new DeploymentOnlinePredictor({ predict: async () => answer(3, [[1]]) }, { serving: async () => [{ owner: 'alice', name: 'churn' }] }, 5000);
    await expect(wrong.predict(principal, { model, versionNumber: 1, records: [{}] })).rejects.toThrow('answered with version 3, not 1');
  });
});
