import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A movable pointer (e.g. `production`) from a model to one of its versions. */
@Entity('model_aliases')
export class ModelAlias {
  @PrimaryColumn({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @PrimaryColumn({ type: 'text' })
  alias: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
