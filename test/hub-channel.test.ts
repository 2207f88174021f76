/**
 * The hub channel on a real PostgreSQL database, without hubs around it: what one process sends,
 * the others hear once and in order, inline or spilled to the events table; the sender never hears
 * its own messages; a hub alone on its database sends nothing, and a hub that starts listening is
 * heard from at once; PGlite's in-process channel sends nothing.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { CHANNEL, createHubChannel, inProcessChannel, INLINE_LIMIT_BYTES, type HubChannel } from '../hub/src/events/hub-channel.js';
import { waitFor } from './support/compute.js';
import { databaseUrl, withClient } from './support/global-setup.js';

describe('The hub channel between processes on one PostgreSQL database', () => {
  const admin = inject('postgresAdminUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(admin, name);
  const log = pino({ level: 'silent' });
  let sender: HubChannel;
  let receiver: HubChannel;

  beforeAll(async () => {
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`));
    sender = await createHubChannel(url, log);
    receiver = await createHubChannel(url, log);
  });
  afterAll(async () => {
    await sender?.close();
    await receiver?.close();
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  it('delivers small and large messages to the other process once each, in the order sent, with Dates intact; never back to the sender', async () => {
    const heard: any[] = [];
    const echoed: any[] = [];
    receiver.on('event', (data) => heard.push(data));
    sender.on('event', (data) => echoed.push(data));
    const at = new Date('2026-12-02T21:00:00.000Z');
    const big = 'x'.repeat(INLINE_LIMIT_BYTES + 1000);
    const sent = [{ n: 1, at }, { n: 2, big }, { n: 3 }, { n: 4, big, at }, { n: 5 }];
    for (const message of sent) sender.send('event', message);
    sender.send('signal', { n: 'a signal' });
    await waitFor('five events', async () => heard.length >= 5, 10_000);
    expect(heard).toEqual(sent);
    expect(heard[3].at).toBeInstanceOf(Date);
    expect(echoed).toEqual([]);
    // The large ones went through the table.
    const spilled = await withClient(url, (c) => c.query(`SELECT count(*)::int AS n FROM aimass_private.hub_events`));
    expect(spilled.rows[0].n).toBe(2);
  });

  it('in process (PGlite) sends nothing and hears nothing', async () => {
    const channel = inProcessChannel();
    const heard: unknown[] = [];
    channel.on('event', (data) => heard.push(data));
    channel.send('event', { n: 1 });
    expect(channel.crossesHubs).toBe(false);
    expect(heard).toEqual([]);
    await channel.close();
  });

  it('sends nothing while alone on its database, sends as soon as another hub listens, and stops once it has gone', async () => {
    const lonely = `t_${randomBytes(6).toString('hex')}`;
    await withClient(admin, (c) => c.query(`CREATE DATABASE ${lonely} TEMPLATE ${inject('postgresTemplate')}`));
    const at = databaseUrl(admin, lonely);
    // A plain listener (not a hub: another application_name) sees every NOTIFY on the channel.
    const spy = new pg.Client({ connectionString: at });
    const notified: string[] = [];
    let first: HubChannel | undefined;
    let second: HubChannel | undefined;
    try {
      await spy.connect();
      spy.on('notification', (m) => notified.push(m.payload ?? ''));
      await spy.query(`LISTEN ${CHANNEL}`);
      first = await createHubChannel(at, log, { recountMs: 200 });
      expect(first.othersListening).toBe(false);
      first.send('event', { n: 'alone' });
      first.send('signal', { n: 'alone too' });
      // A NOTIFY the spy sends itself arrives after anything sent before it: nothing came before.
      await spy.query(`SELECT pg_notify($1, 'marker')`, [CHANNEL]);
      await waitFor('the marker', async () => notified.includes('marker'), 10_000);
      expect(notified).toEqual(['marker']);

      // Another hub starts listening: once it is ready, the first one sends to it.
      second = await createHubChannel(at, log, { recountMs: 200 });
      expect(first.othersListening).toBe(true);
      expect(second.othersListening).toBe(true);
      const heard: unknown[] = [];
      second.on('event', (data) => heard.push(data));
      first.send('event', { n: 'together' });
      await waitFor('the event', async () => heard.length === 1, 10_000);
      expect(heard).toEqual([{ n: 'together' }]);

      // It goes; the next count finds the first hub alone again.
      await second.close();
      second = undefined;
      await waitFor('alone again', async () => !first!.othersListening, 10_000);
      notified.length = 0;
      first.send('event', { n: 'alone again' });
      await spy.query(`SELECT pg_notify($1, 'marker 2')`, [CHANNEL]);
      await waitFor('the second marker', async () => notified.includes('marker 2'), 10_000);
      expect(notified).toEqual(['marker 2']);
    } finally {
      await second?.close();
      await first?.close();
      await spy.end().catch(() => undefined);
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${lonely} WITH (FORCE)`));
    }
  });
});
