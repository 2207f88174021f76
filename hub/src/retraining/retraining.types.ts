/** GraphQL shapes of a model's retraining (docs/retraining.md). */
import { Field, InputType, ObjectType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection.js';
import { RetrainingRun } from './retraining-run.entity.js';

@ObjectType('RetrainingTriggers', { description: 'When a model trained by SQL retrains itself' })
export class RetrainingTriggersView {
  @Field(() => Boolean, { description: 'When a dataset its query names without @n gets a newer version' }) onNewData: boolean;
  @Field(() => String, { nullable: true, description: 'A cron schedule (node-cron syntax, UTC)' }) cron: string | null;
  @Field(() => Boolean, { description: 'Paused: no trigger starts a run (Run now still does)' }) paused: boolean;
}

@ObjectType('RetrainingWatch', { description: 'A dataset the training query reads by an unpinned name, and the newest version retraining has seen of it' })
export class RetrainingWatch {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
  @Field(() => Number) seen: number;
}

@ObjectType('Retraining', { description: 'A model’s continuous training: its triggers, next scheduled run and runs' })
export class RetrainingObject {
  modelId: string;
  @Field(() => RetrainingTriggersView) triggers: RetrainingTriggersView;
  @Field(() => Date, { nullable: true, description: 'When the cron schedule fires next (by the hub’s retraining clock); null without a schedule or while paused' })
  nextRunAt: Date | null;
  @Field(() => [RetrainingWatch]) watching: RetrainingWatch[];
}

export const RetrainingRunConnection = ConnectionType(RetrainingRun, 'RetrainingRun');

@InputType('RetrainingTriggersInput')
export class RetrainingTriggersInput {
  @Field(() => Boolean, { description: 'Retrain when a dataset the query names without @n gets a newer version' }) onNewData: boolean;
  @Field(() => String, { nullable: true, description: "A cron expression (node-cron, UTC), like '0 3 * * 1'; null: no schedule" }) cron: string | null;
}
