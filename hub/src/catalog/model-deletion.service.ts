/**
 * Deleting models, versions and aliases. Deleting a model or a version needs admin on the model
 * (owner, organization owner or admin, admin collaborator): a plain member of the owning
 * organization or a write collaborator gets FORBIDDEN, anyone who cannot read it NOT_FOUND.
 *
 * - A version that an alias points at is not deleted: CONFLICT naming the aliases, so traffic
 *   that follows `production` never breaks by surprise. Move the alias (setModelAlias) or remove
 *   it (deleteModelAlias, write access) first.
 * - Version numbers are never given again: the model remembers the highest number deleted.
 * - Rows go first (one transaction, the model row locked FOR UPDATE so a fork copying it finishes
 *   first or finds nothing); then the blobs of the deleted versions that no remaining version —
 *   of any model, forks included — names are deleted from the artifact store. A crash between
 *   the two leaves orphans that housekeeping sweeps (BlobSweeper.sweepOrphans).
 * - Forks of a deleted model keep working (they name the same blobs); their `forkedFrom` becomes
 *   null. Collaborators, stars, access requests and aliases go with the model.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import type { BlobSweeper } from '../artifacts/index.js';
import { conflict, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CatalogService } from './catalog.service.js';

export class ModelDeletionService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogService,
    private readonly blobs: BlobSweeper,
    private readonly log: Logger,
  ) {}

  async deleteModel(principal: Principal, owner: string, name: string): Promise<boolean> {
    const model = await this.catalog.get(principal, owner, name, 'admin');
    const hashes = await this.db.transaction(async (tx) => {
      const locked = await tx.query(`SELECT id FROM models WHERE id = $1 FOR UPDATE`, [model.id]);
      if (locked.length === 0) throw notFound('Model');
      const files = await this.filesOf(tx, `v.model_id = $1`, [model.id]);
      await tx.query(`DELETE FROM models WHERE id = $1`, [model.id]);
      return files;
    });
    await this.sweep(hashes);
    return true;
  }

  async deleteVersion(principal: Principal, owner: string, name: string, number: number): Promise<boolean> {
    const model = await this.catalog.get(principal, owner, name, 'admin');
    const hashes = await this.db.transaction(async (tx) => {
      const locked = await tx.query(`SELECT id FROM models WHERE id = $1 FOR UPDATE`, [model.id]);
      if (locked.length === 0) throw notFound('Model');
      const [version] = Number.isInteger(number) ? await tx.query(`SELECT id FROM model_versions WHERE model_id = $1 AND number = $2`, [model.id, number]) : [];
      if (!version) throw notFound('Model version');
      const aliases: { alias: string }[] = await tx.query(`SELECT alias FROM model_aliases WHERE version_id = $1 ORDER BY alias`, [version.id]);
      if (aliases.length > 0) {
        const names = aliases.map((a) => a.alias).join(', ');
        throw conflict(
          `Version ${number} is what ${aliases.length === 1 ? 'alias' : 'aliases'} ${names} ${aliases.length === 1 ? 'points' : 'point'} at: move ${aliases.length === 1 ? 'it' : 'them'} (setModelAlias) or remove ${aliases.length === 1 ? 'it' : 'them'} (deleteModelAlias) first`,
          'number',
        );
      }
      const files = await this.filesOf(tx, `v.id = $1`, [version.id]);
      await tx.query(`DELETE FROM model_versions WHERE id = $1`, [version.id]);
      await tx.query(`UPDATE models SET max_deleted_version = greatest(max_deleted_version, $2), updated_at = now() WHERE id = $1`, [model.id, number]);
      return files;
    });
    await this.sweep(hashes);
    return true;
  }

  /** Removes an alias (write access, like moving it). NOT_FOUND when the model has no such alias. */
  async deleteAlias(principal: Principal, owner: string, name: string, alias: string): Promise<boolean> {
    const model = await this.catalog.get(principal, owner, name, 'write');
    // As a SELECT, so the driver answers plain rows (a bare DELETE answers [rows, count]).
    const rows = await this.db.query(`WITH d AS (DELETE FROM model_aliases WHERE model_id = $1 AND alias = $2 RETURNING alias) SELECT alias FROM d`, [model.id, alias]);
    if (rows.length === 0) throw notFound('Model alias');
    return true;
  }

  private async filesOf(tx: EntityManager, where: string, params: unknown[]): Promise<string[]> {
    const rows: { sha256: string }[] = await tx.query(`SELECT DISTINCT f.value->>'sha256' AS sha256 FROM model_versions v, jsonb_each(v.files) f WHERE ${where}`, params);
    return rows.map((r) => r.sha256);
  }

  /** The rows are gone already; a failure here leaves orphans for housekeeping, not an error for the caller. */
  private async sweep(hashes: string[]): Promise<void> {
    try {
      await this.blobs.deleteUnreferenced(hashes);
    } catch (error) {
      this.log.error({ err: error }, 'deleting unreferenced model blobs failed; housekeeping will retry');
    }
  }
}
