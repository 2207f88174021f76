/**
 * Where one request of a deployment goes, before the router picks a replica: the version asked for
 * (a door's `/versions/n`, the pin header), else the variant its routing key or a draw falls into
 * (choose-variant.ts), and the shadows that get a copy of it. A deployment that is not split keeps
 * what it always did: any ready replica answers (both versions during a rolling update).
 */
import type { Principal } from '../../accounts/index.js';
import { badInput } from '../../errors.js';
import type { DeploymentTarget, VariantTarget } from '../deployment-target.js';
import { chooseVariant, keyPoint } from './choose-variant.js';

/** The pin header: the version (a variant of the deployment) that must answer. */
export const VARIANT_HEADER = 'x-aimass-variant';
/** The routing key header: requests with the same key reach the same variant while the weights stay. */
export const ROUTING_KEY_HEADER = 'x-aimass-routing-key';
/** Routing keys longer than this are refused. */
export const MAX_ROUTING_KEY = 256;

/** How the caller steers a request among the variants: a pinned version, a routing key. */
export interface Routing {
  /** The pin header's value as sent (a version number). */
  pin?: string;
  key?: string;
  /** Where the key came from, for messages (default the header's name). */
  keyField?: string;
}

export interface Routed {
  /** The version that must answer; undefined: any ready replica except those of `exceptVersions`. */
  versionNumber?: number;
  exceptVersions?: number[];
  /** Shadow variants that get a copy of the request. */
  shadows: VariantTarget[];
}

/** The pinned version, checked (BAD_USER_INPUT naming the header when it is not a variant); undefined without a pin. */
export function pinnedVersion(target: DeploymentTarget, routing: Routing): number | undefined {
  if (routing.pin === undefined) return undefined;
  const versions = target.variants?.map((v) => v.versionNumber) ?? [target.versionNumber];
  const pin = routing.pin.trim();
  if (!/^\d{1,9}$/.test(pin)) throw badInput('X-AIMass-Variant', `must be the version number of a variant (${versions.join(', ')})`);
  if (!versions.includes(Number(pin))) throw badInput('X-AIMass-Variant', `deployment ${target.owner}/${target.name} has no variant of version ${pin} (its variants: ${versions.join(', ')})`);
  return Number(pin);
}

/** The routing key, checked: at most MAX_ROUTING_KEY characters. */
export function routingKey(routing: Routing): string | undefined {
  if (routing.key === undefined || routing.key === '') return undefined;
  if (routing.key.length > MAX_ROUTING_KEY) throw badInput(routing.keyField ?? 'X-AIMass-Routing-Key', `must be at most ${MAX_ROUTING_KEY} characters`);
  return routing.key;
}

/**
 * Routes a request of a split deployment whose version the caller did not name: the variant of its
 * routing key (the one given, else with CALLER stickiness its API key or user), or a weighted draw;
 * each shadow with a ready replica gets a copy with the probability of its weight.
 */
export function routeRequest(target: DeploymentTarget, principal: Principal, key: string | undefined, readyVersions: ReadonlySet<number>, random: () => number): Routed {
  const variants = target.variants;
  if (!variants) return { shadows: [] };
  const sticky = key ?? (target.stickiness === 'caller' ? (principal.via === 'apiKey' && principal.credentialId ? `key:${principal.credentialId}` : `user:${principal.user.id}`) : undefined);
  const point = sticky === undefined ? random() : keyPoint(target.id, sticky);
  const chosen = chooseVariant(variants, (v) => readyVersions.has(v.versionNumber), point);
  const shadows = variants.filter((v) => v.shadow && readyVersions.has(v.versionNumber) && random() * 100 < v.weight);
  if (chosen) return { versionNumber: chosen.versionNumber, shadows };
  // No variant has a ready replica: a version being replaced may still answer; a shadow never does.
  return { exceptVersions: variants.filter((v) => v.shadow).map((v) => v.versionNumber), shadows: [] };
}
