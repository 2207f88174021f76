import { randomBytes } from 'node:crypto';
import type { TestHub } from './hub.js';

export const PASSWORD = 'correct horse battery';

export function uniqueName(prefix = 'u'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

export interface SignedUp {
  username: string;
  token: string;
  id: string;
}

/** Signs up a fresh user and returns its session token. Fails the test on any error. */
export async function signUp(hub: TestHub, username = uniqueName()): Promise<SignedUp> {
  const res = await hub.graphql(
    `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id username } } }`,
    { input: { username, email: `${username}@example.com`, password: PASSWORD } },
  );
  if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  return { username, token: res.data.signUp.token, id: res.data.signUp.user.id };
}

export const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;
