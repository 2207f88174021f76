/**
 * Training by SQL on the embedded database `npm start` runs on (PGlite, no DATABASE_URL): an
 * uploaded CSV trains on a real agent and ML.TRAINING_INFO answers its epochs.
 */
import { describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from './support/agent.js';
import { FAST_SCHEDULER, registerNode, waitForJob } from './support/compute.js';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub } from './support/hub.js';
import { csv, houses } from './support/synthetic-data.js';
import { signUp } from './support/users.js';

describe('Training by SQL on the embedded database (npm start)', () => {
  it('trains from an uploaded CSV and answers ML.TRAINING_INFO', async () => {
    const hub = await startTestHub({ backend: 'embedded', env: FAST_SCHEDULER });
    const agents: AgentProcess[] = [];
    try {
      const alice = await signUp(hub);
      await createDataset(hub, alice.token, { name: 'houses' });
      expect((await upload(hub, alice.token, alice.username, 'houses', csv(houses(300, 5)))).status).toBe(201);
      const node = await registerNode(hub, alice.token, 'embedded');
      agents.push(spawnAgent(['--hub', hub.url, '--token', node.token]));
      const sql = (query: string) => hub.graphql(`mutation($q: String!) { runSql(query: $q) { columns { name } rows totalCount } }`, { q: query }, alice.token);
      const created = await sql(`CREATE MODEL ${alice.username}.price OPTIONS (model_type = 'dnn_regressor', input_label_cols = ['price'], hidden_units = [8], epochs = 6, learn_rate = 0.05, early_stop = FALSE)
        AS SELECT area, rooms, district, price FROM ${alice.username}.houses`);
      expect(created.errors).toBeUndefined();
      const job = await waitForJob(hub, alice.token, created.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 90_000);
      expect(job.status).toBe('SUCCEEDED');
      const info = await sql(`SELECT * FROM ML.TRAINING_INFO(MODEL ${alice.username}.price)`);
      expect(info.data.runSql.totalCount).toBe(6);
      const v = await hub.graphql(`query($o: String!) { modelVersion(owner: $o, name: "price", number: 1) { metrics } }`, { o: alice.username }, alice.token);
      expect(v.data.modelVersion.metrics.r2_score).toBeGreaterThan(0.5);
    } finally {
      await Promise.all(agents.map((a) => a.stop()));
      await hub.close();
    }
  }, 120_000);
});

