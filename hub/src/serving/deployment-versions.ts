/**
 * Which model versions a deployment's input names: one version (by number, alias, or the newest)
 * or a traffic split's variants, each checked to be servable (served-version.ts) and, for a split,
 * to answer the same requests as its primary. Errors name the input field (BAD_USER_INPUT).
 */
import type { DataSource } from 'typeorm';
import { ModelVersion, type Model } from '../catalog/index.js';
import { badInput } from '../errors.js';
import { checks } from '../validation/checks.js';
import type { DeploymentSettingsInput } from './deployment-settings.js';
import { servedVersion, type ServedVersion } from './served-version.js';
import { MAX_VARIANTS, variantReplicas, type StoredVariant } from './split/variants.js';

const ALIAS = /^[a-z][a-z0-9_-]{0,49}$/;

/** The version `number`, the one `alias` points at, or the newest; BAD_USER_INPUT when it cannot be served. */
export async function resolveVersion(db: DataSource, model: Model, shown: string, number: number | null, alias: string | null, prefix = ''): Promise<ServedVersion> {
  if (number != null && alias != null) throw badInput(`${prefix}alias`, 'give a version or an alias, not both');
  if (alias != null && !ALIAS.test(alias)) throw badInput(`${prefix}alias`, 'use 1–50 lower-case letters, digits, "_" or "-", starting with a letter');
  const field = alias != null ? 'alias' : 'version';
  const versions = db.getRepository(ModelVersion);
  let version: ModelVersion | null;
  if (alias != null) {
    const [row] = await db.query(`SELECT version_id FROM model_aliases WHERE model_id = $1 AND alias = $2`, [model.id, alias]);
    version = row ? await versions.findOneBy({ id: row.version_id }) : null;
    if (!version) throw badInput(`${prefix}alias`, `${shown} has no alias "${alias}"`);
  } else if (number != null) {
    version = Number.isInteger(number) ? await versions.findOneBy({ modelId: model.id, number }) : null;
    if (!version) throw badInput(`${prefix}version`, `${shown} has no version ${number}`);
  } else if (prefix) {
    throw badInput(`${prefix}version`, 'give the variant a version or an alias');
  } else {
    version = await versions.findOne({ where: { modelId: model.id }, order: { number: 'DESC' } });
    if (!version) throw badInput('model', `${shown} has no version yet`);
  }
  const served = servedVersion(version, `model ${shown}@${version.number}`);
  if (typeof served === 'string') throw badInput(field === 'alias' || number != null ? `${prefix}${field}` : 'model', served);
  return served;
}

/**
 * The variants of `input` checked and resolved (undefined when it names none): at most
 * MAX_VARIANTS, whole weights from 0 to 100 adding up to 100 over the non-shadow ones (a shadow's
 * 1 to 100), distinct versions that can be served and take the same features (names, types,
 * order) for the same task as the primary (the non-shadow one of the largest weight, the first on
 * a tie), which is listed first. One non-shadow variant alone is a split of one (no variants).
 */
export async function resolveSplit(
  db: DataSource,
  model: Model,
  shown: string,
  input: DeploymentSettingsInput,
  settings: { minReplicas?: number; maxReplicas?: number },
): Promise<{ primary: ServedVersion; alias: string | null; variants: StoredVariant[] } | undefined> {
  const given = input.variants;
  if (given == null) return undefined;
  if (input.version != null || input.alias != null) throw badInput('variants', 'give variants, or a version or an alias, not both');
  if (given.length === 0 || given.length > MAX_VARIANTS) throw badInput('variants', `give 1 to ${MAX_VARIANTS} variants`);
  const c = checks();
  given.forEach((v, i) => {
    const shadow = v.shadow ?? false;
    const low = shadow ? 1 : 0;
    if (!Number.isInteger(v.weight) || v.weight < low || v.weight > 100) c.add(`variants[${i}].weight`, `must be a whole number from ${low} to 100${shadow ? ' (the percent of requests copied to the shadow)' : ''}`);
  });
  const routed = given.filter((v) => !v.shadow);
  if (routed.length === 0) c.add('variants', 'at least one variant must not be a shadow (someone must answer)');
  else if (routed.reduce((sum, v) => sum + (Number.isInteger(v.weight) ? v.weight : 0), 0) !== 100) c.add('variants', 'the weights of the variants that are not shadows must add up to 100');
  c.throwIfAny();
  const resolved: ServedVersion[] = [];
  for (let i = 0; i < given.length; i++) {
    const served = await resolveVersion(db, model, shown, given[i].version ?? null, given[i].alias ?? null, `variants[${i}].`);
    const twin = resolved.findIndex((r) => r.versionId === served.versionId);
    if (twin >= 0) throw badInput(`variants[${i}].${given[i].alias != null ? 'alias' : 'version'}`, `version ${served.versionNumber} is already variant ${twin}`);
    resolved.push(served);
  }
  let primaryAt = given.findIndex((v) => !v.shadow);
  given.forEach((v, i) => {
    if (!v.shadow && v.weight > given[primaryAt].weight) primaryAt = i;
  });
  const primary = resolved[primaryAt];
  const shape = (s: ServedVersion) => JSON.stringify([s.task, s.features.map((f) => [f.name, f.type])]);
  resolved.forEach((r, i) => {
    if (shape(r) !== shape(primary)) {
      c.add(`variants[${i}].${given[i].alias != null ? 'alias' : 'version'}`, `version ${r.versionNumber} takes other features (or another task) than version ${primary.versionNumber}: every variant must answer the same requests`);
    }
  });
  c.throwIfAny();
  const order = [primaryAt, ...given.map((_, i) => i).filter((i) => i !== primaryAt)];
  if (given.length === 1) return { primary, alias: given[0].alias ?? null, variants: [] };
  const counts = variantReplicas(settings.minReplicas ?? 0, order.map((i) => given[i]));
  const variants = order.map((i, k) => ({
    versionId: resolved[i].versionId,
    versionNumber: resolved[i].versionNumber,
    alias: given[i].alias ?? null,
    weight: given[i].weight,
    shadow: given[i].shadow ?? false,
    replicas: counts[k],
  }));
  if ((settings.minReplicas ?? 0) > 0 && variants.length > (settings.maxReplicas ?? 1)) {
    if (input.maxReplicas != null) throw badInput('maxReplicas', `must be at least the number of variants (${variants.length})`);
    settings.maxReplicas = variants.length;
  }
  return { primary, alias: given[primaryAt].alias ?? null, variants };
}
