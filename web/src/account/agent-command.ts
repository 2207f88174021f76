/**
 * The command that starts a node agent against this hub with a node token. The origin is the
 * one the portal was loaded from, which is how the user reaches the hub.
 */
export function agentCommand(token: string, origin: string = window.location.origin): string {
  return `npm run agent -- --hub ${origin} --token ${token}`;
}
