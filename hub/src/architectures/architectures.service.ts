/**
 * Saved architectures: model specs owned by a user or an organization as `owner/name`, for the
 * model editor and for training (the SQL trainer builds them on agents). A spec is validated
 * (schema/model-spec-analysis.ts, then confirmed with TF.js) before it is stored, on create and
 * on every change of it; an invalid one is BAD_USER_INPUT with one field per problem, named
 * `spec.<path>` (`spec.layers[3].units`).
 *
 * Access follows the catalog's models: `AccessService.require(…, 'Architecture')` on every row,
 * NOT_FOUND for a private one the caller may not read, organization members may write, changing
 * visibility and deleting need admin (owner, organization owner or admin).
 */
import type { DataSource } from 'typeorm';
import { readableSql, type AccessService, type Permission } from '../access/index.js';
import type { OrganizationsService } from '../accounts/index.js';
import type { Principal } from '../accounts/index.js';
import { checks, type Checks } from '../validation/checks.js';
import { ModelVisibility } from '../catalog/index.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, conflict, notFound } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { Architecture } from './architecture.entity.js';
import type { ModelSpecValidation, ModelSpecValidator } from './model-spec-validator.js';

export interface ArchitectureInput {
  owner?: string | null;
  name: string;
  description?: string | null;
  tags?: string[] | null;
  visibility?: ModelVisibility | null;
  spec: unknown;
}
export interface ArchitecturePatch {
  description?: string | null;
  tags?: string[] | null;
  visibility?: ModelVisibility | null;
  /** A new spec, validated like a new one; absent or null keeps the current one. */
  spec?: unknown;
}

const normalizeTags = (tags: readonly string[] | null | undefined) => tags?.map((t) => t.trim().toLowerCase());

/** Each spec problem as an input field problem: `spec.layers[3].units`, or `spec` for the whole. */
function addSpecProblems(c: Checks, validation: ModelSpecValidation): Checks {
  for (const e of validation.errors) c.add(e.path ? `spec.${e.path}` : 'spec', e.message);
  return c;
}

export class ArchitecturesService {
  constructor(
    private readonly db: DataSource,
    private readonly access: AccessService,
    /** For `ownerForNew` and `ownerByHandle` (users and organizations share one namespace of handles). */
    private readonly organizations: OrganizationsService,
    private readonly validator: ModelSpecValidator,
  ) {}

  private get repo() {
    return this.db.getRepository(Architecture);
  }

  /** Checks a spec without saving it: for the editor, as often as it likes. */
  validateSpec(spec: unknown): Promise<ModelSpecValidation> {
    return this.validator.validate(spec);
  }

  /** The full validation (TF.js included) of a spec about to be stored; BAD_USER_INPUT unless valid. */
  private async validated(spec: unknown): Promise<ModelSpecValidation & { totalParams: number; trainableParams: number }> {
    const validation = await this.validator.validate(spec);
    addSpecProblems(checks(), validation).throwIfAny();
    return validation as ModelSpecValidation & { totalParams: number; trainableParams: number };
  }

  async create(principal: Principal, input: ArchitectureInput): Promise<Architecture> {
    const tags = normalizeTags(input.tags);
    // Every field problem at once, the spec's too (by the analysis alone: no TF.js before the rest is right).
    addSpecProblems(checks().listing({ name: input.name, description: input.description, tags }), this.validator.analyze(input.spec)).throwIfAny();
    const owner = await this.organizations.ownerForNew(principal, input.owner, 'architectures');
    const validation = await this.validated(input.spec);
    try {
      return await this.repo.save(
        this.repo.create({
          ownerId: owner.id,
          name: input.name,
          description: input.description ?? '',
          tags: [...new Set(tags ?? [])],
          visibility: input.visibility ?? ModelVisibility.PUBLIC,
          spec: input.spec as Architecture['spec'],
          summary: validation,
          totalParams: validation.totalParams,
          trainableParams: validation.trainableParams,
          createdBy: principal.user.id,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${owner.handle} already has an architecture named ${input.name}`, 'name');
      throw error;
    }
  }

  /** The architecture `owner/name` if the caller has `need` on it; NOT_FOUND if they may not read it. */
  async get(principal: Principal | null, owner: string, name: string, need: Permission = 'read'): Promise<Architecture> {
    // A name no architecture can have is not looked up (and never reaches SQL).
    if (checks().listing({ name }).problems.length > 0) throw notFound('Architecture');
    const ownerRow = await this.organizations.ownerByHandle(owner, 'Architecture');
    const architecture = await this.repo
      .createQueryBuilder('a')
      .where('a.ownerId = :owner AND lower(a.name) = lower(:name)', { owner: ownerRow.id, name })
      .getOne();
    if (!architecture) throw notFound('Architecture');
    await this.access.require(principal, { ownerId: architecture.ownerId, visibility: architecture.visibility }, need, 'Architecture');
    return architecture;
  }

  async update(principal: Principal, owner: string, name: string, patch: ArchitecturePatch): Promise<Architecture> {
    const tags = normalizeTags(patch.tags);
    const newSpec = patch.spec !== undefined && patch.spec !== null;
    const c = checks().listing({ description: patch.description, tags });
    if (newSpec) addSpecProblems(c, this.validator.analyze(patch.spec));
    c.throwIfAny();
    const architecture = await this.get(principal, owner, name, 'write');
    if (patch.visibility != null && patch.visibility !== architecture.visibility) {
      await this.access.require(principal, { ownerId: architecture.ownerId, visibility: architecture.visibility }, 'admin', 'Architecture');
      architecture.visibility = patch.visibility;
    }
    if (newSpec) {
      const validation = await this.validated(patch.spec);
      architecture.spec = patch.spec as Architecture['spec'];
      architecture.summary = validation;
      architecture.totalParams = validation.totalParams;
      architecture.trainableParams = validation.trainableParams;
    }
    if (patch.description != null) architecture.description = patch.description;
    if (tags) architecture.tags = [...new Set(tags)];
    architecture.updatedAt = new Date();
    return this.repo.save(architecture);
  }

  /** Deletes it; needs admin on it (owner, organization owner or admin). */
  async delete(principal: Principal, owner: string, name: string): Promise<boolean> {
    const architecture = await this.get(principal, owner, name, 'admin');
    await this.repo.delete({ id: architecture.id });
    return true;
  }

  /** Public ones, yours and your organizations', newest first; only `owner`'s when given. */
  async list(principal: Principal, args: PageArgs, filter: { owner?: string | null } = {}): Promise<Page<Architecture>> {
    const qb = this.repo
      .createQueryBuilder('a')
      .where(readableSql({ alias: 'a' }, { user: ':me', isAdmin: principal.user.isAdmin }, 'listed'), { me: principal.user.id });
    if (filter.owner) {
      try {
        qb.andWhere('a.ownerId = :owner', { owner: (await this.organizations.ownerByHandle(filter.owner, 'Owner')).id });
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
        qb.andWhere('false');
      }
    }
    return paginate(qb, args);
  }
}
