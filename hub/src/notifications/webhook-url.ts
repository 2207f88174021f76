/**
 * Webhook URLs and server-side request forgery. A webhook makes the hub send requests where a user
 * says, so by default it refuses addresses inside the hub's own networks — loopback, private
 * (RFC 1918, unique-local), link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * unspecified, multicast and reserved — unless AIMASS_WEBHOOK_ALLOW_PRIVATE is set.
 *
 * Checked twice: when the URL is saved (literal addresses and `localhost`, so a mistake is told
 * at once), and at every delivery, where the host name is resolved by {@link guardedLookup} and the
 * connection goes to the address that was checked (so DNS rebinding cannot swap it afterwards).
 */
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { badInput } from '../errors.js';

const MAX_URL = 2048;

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for an address inside a private, loopback, link-local or otherwise non-public range. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  // BlockList also matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges.
  if (family === 6) return blocked.check(address, 'ipv6');
  return true; // not an address at all: refuse rather than guess
}

const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

export class PrivateAddressError extends Error {
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, a private or loopback address (set AIMASS_WEBHOOK_ALLOW_PRIVATE to allow)`);
    this.name = 'PrivateAddressError';
  }
}

/**
 * Checks a webhook URL as a user gave it: http(s), no credentials in it, at most 2048 characters,
 * and (unless allowed) not a literal private address or `localhost`. Throws BAD_USER_INPUT naming
 * `field`; answers the normalised URL.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean, field = 'webhookUrl'): string {
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_URL) throw badInput(field, `must be an http(s) URL of at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'must be an http(s) URL, like https://example.com/hooks/aimass');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(field, `must be an http(s) URL, not ${url.protocol}`);
  if (url.username || url.password) throw badInput(field, 'must not carry a user name or password; verify the signature instead');
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (isLocalName(host) || (isIP(host) !== 0 && isPrivateAddress(host))) {
      throw badInput(field, 'points at a private or loopback address, which this hub does not call');
    }
  }
  return url.href;
}

/**
 * A `lookup` for http.request that resolves the host and refuses (unless allowed) when any of its
 * addresses is private, so the socket connects only to an address that was checked.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new PrivateAddressError(hostname, bad.address), '', 0);
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** For a literal-address URL (which skips lookup): the refusal, or undefined when it may be called. */
export function literalAddressProblem(url: URL, allowPrivate: boolean): PrivateAddressError | undefined {
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && isPrivateAddress(host)) return new PrivateAddressError(host, host);
  return undefined;
}
