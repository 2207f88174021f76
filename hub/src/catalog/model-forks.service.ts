/**
 * Forking a model: a copy under the caller (or one of their organizations) that records where it
 * came from. Every version is copied as a draft with its files, signature, card, metrics and
 * lineage, the lineage's parent becoming the source version (`parentVersionId`, an id: lineage is
 * resolved per reader, so a source they may not read, or one deleted since, shows as null; see
 * version-metadata.ts). The artifact store is content-addressed, so copying the file maps is the
 * whole copy: the fork names the same blobs, and the blob sweep keeps them while any version
 * names them — a fork keeps working after its source is deleted.
 *
 * Aliases are not copied: they are the fork owner's decisions to make.
 */
import type { DataSource } from 'typeorm';
import type { OrganizationsService } from '../accounts/index.js';
import type { Principal } from '../accounts/index.js';
import { checks } from '../validation/checks.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { conflict, notFound } from '../errors.js';
import type { CatalogService } from './catalog.service.js';
import { Model } from './model.entity.js';

export interface ForkInput {
  /** User or organization handle to own the fork; default: the caller. */
  owner?: string | null;
  /** Default: the source's name. */
  name?: string | null;
}

export class ModelForksService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogService,
    private readonly organizations: OrganizationsService,
  ) {}

  /** Forks `owner/name` (NOT_FOUND if the caller may not read it; CONFLICT if the target name is taken). */
  async fork(principal: Principal, owner: string, name: string, input: ForkInput): Promise<Model> {
    const source = await this.catalog.get(principal, owner, name, 'read');
    const forkName = input.name == null || input.name === '' ? source.name : input.name;
    checks().listing({ name: forkName }).throwIfAny();
    const target = await this.organizations.ownerForNew(principal, input.owner, 'models');
    try {
      return await this.db.transaction(async (tx) => {
        // Deleting the source (or one of its versions) takes this row FOR UPDATE: it waits until
        // the copy commits, so the blob sweep after it sees the fork's references; a delete that
        // came first leaves no row here.
        const locked = await tx.query(`SELECT id FROM models WHERE id = $1 FOR SHARE`, [source.id]);
        if (locked.length === 0) throw notFound('Model');
        const repo = tx.getRepository(Model);
        const fork = await repo.save(
          repo.create({
            ownerId: target.id,
            name: forkName,
            task: source.task,
            framework: source.framework,
            tags: source.tags,
            license: source.license,
            // A fork of a private model stays private: it holds the same weights.
            visibility: source.visibility,
            description: source.description,
            forkedFrom: source.id,
            createdBy: principal.user.id,
          }),
        );
        await tx.query(
          `INSERT INTO model_versions (model_id, number, status, files, signature, metrics, lineage, card, created_by)
           SELECT $1, v.number, 'draft', v.files, v.signature, v.metrics,
                  coalesce(v.lineage, '{}'::jsonb) || jsonb_build_object('parentVersionId', v.id),
                  v.card, $2
           FROM model_versions v WHERE v.model_id = $3`,
          [fork.id, principal.user.id, source.id],
        );
        // Numbers deleted in the source stay unused in the fork too.
        await tx.query(`UPDATE models SET max_deleted_version = (SELECT max_deleted_version FROM models WHERE id = $2) WHERE id = $1`, [fork.id, source.id]);
        return fork;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${target.handle} already has a model named ${forkName}; choose another name for the fork`, 'name');
      throw error;
    }
  }
}
