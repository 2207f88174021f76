import { Field, Float, InputType } from 'type-graphql';

@InputType({ description: 'A promotion rule; a field left out keeps its current value (the task’s default at first)' })
export class PromotionRuleInput {
  @Field(() => String, { nullable: true, description: 'The deciding metric, ML.EVALUATE’s name: f1_score, accuracy, precision, recall, roc_auc, log_loss (classification); root_mean_squared_error, mean_absolute_error, mean_squared_error, median_absolute_error, r2_score (regression)' })
  metric?: string | null;

  @Field(() => Float, { nullable: true, description: 'How much better the challenger must be on the metric, in its units (0: any improvement)' })
  minImprovement?: number | null;

  @Field(() => Float, { nullable: true, description: 'How much worse each secondary metric may get, in its units' })
  tolerance?: number | null;
}
