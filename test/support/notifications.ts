/** What the subscription centre's tests share (test/notifications*.test.ts): GraphQL selections, the webhook settings, a live listener. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestHub } from './hub.js';
import { listeners } from './live-subscriptions.js';

export const SUBJECT = 'subject { kind id owner name }';
export const NOTIFICATION = `id kind message version read readAt createdAt subscriptionId ${SUBJECT}`;
export const SUBSCRIPTION = `id webhookUrl createdAt updatedAt plan { name dailyRequestQuota } ${SUBJECT}`;
export const SUBSCRIBE = `mutation($input: SubscribeInput!) { subscribe(input: $input) { webhookSecret subscription { ${SUBSCRIPTION} } } }`;
const LIVE = `subscription { notificationAdded { ${NOTIFICATION} } }`;

/** Small values so retries happen within a test (see hub/src/config.ts for the defaults). */
export const WEBHOOK_ENV = {
  AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true', // the receiver listens on loopback
  AIMASS_WEBHOOK_MAX_ATTEMPTS: '3',
  AIMASS_WEBHOOK_RETRY_BASE_MS: '300',
  AIMASS_WEBHOOK_RETRY_MAX_MS: '5000',
  AIMASS_WEBHOOK_TIMEOUT_MS: '3000',
};

function wsClient(hub: TestHub, token: string): Client {
  return createClient({
    url: `${hub.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Live notificationAdded events of one user. */
export async function listen(hub: TestHub, token: string) {
  const client = wsClient(hub, token);
  const events: any[] = [];
  const errors: unknown[] = [];
  const added = await listeners(hub, 'NOTIFICATION_ADDED');
  const dispose = client.subscribe({ query: LIVE }, { next: ({ data }) => events.push(data!.notificationAdded), error: (e) => errors.push(e), complete: () => undefined });
  await added.listening();
  return {
    events,
    errors,
    async close() {
      dispose();
      await client.dispose();
    },
  };
}
