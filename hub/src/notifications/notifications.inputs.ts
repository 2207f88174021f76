import { Field, InputType, Int } from 'type-graphql';
import { SubjectKind } from './subject.js';

@InputType({ description: 'A plan for a model’s future inference API. Stored now, NOT enforced yet (the serving API will enforce it)' })
export class PlanInput {
  @Field(() => String, { description: '1–50 characters, e.g. "free" or "team"' })
  name: string;

  @Field(() => Int, { description: 'Requests per day allowed, 1–100000000. Not enforced yet' })
  dailyRequestQuota: number;
}

@InputType()
export class SubscribeInput {
  @Field(() => SubjectKind) kind: SubjectKind;

  @Field(() => String, { description: 'Handle of the user or organization that owns the model or dataset' })
  owner: string;

  @Field(() => String) name: string;

  @Field(() => String, { nullable: true, description: 'http(s) URL to POST each notification to, signed with a secret shown once in the answer' })
  webhookUrl?: string | null;

  @Field(() => PlanInput, { nullable: true, description: 'Models only' })
  plan?: PlanInput | null;
}

@InputType({ description: 'Fields left out stay as they are' })
export class UpdateSubscriptionInput {
  @Field(() => String, { nullable: true, description: 'A new webhook URL. Adding a webhook where there was none creates a secret, shown once' })
  webhookUrl?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Stop sending to the webhook (its secret is forgotten)' })
  removeWebhook?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Replace the webhook secret; the new one is shown once' })
  rotateWebhookSecret?: boolean | null;

  @Field(() => PlanInput, { nullable: true, description: 'Models only' })
  plan?: PlanInput | null;

  @Field(() => Boolean, { nullable: true }) removePlan?: boolean | null;
}
