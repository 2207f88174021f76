/** Champion and challenger through GraphQL: the rule, comparisons, production by hand, the model's timeline. */
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ModelVersion, Model } from '../catalog/index.js';
import { ConnectionType, PageArgs, type Page } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { ANYONE } from '../graphql/auth-checker.js';
import { ModelTimelineEvent } from './model-timeline-event.entity.js';
import { PromotionComparison, PromotionRuleType } from './promotion-comparison.entity.js';
import { PromotionRuleInput } from './promotion.inputs.js';

const ComparisonConnection = ConnectionType(PromotionComparison, 'PromotionComparison');
const TimelineConnection = ConnectionType(ModelTimelineEvent, 'ModelTimelineEvent');

@Resolver(() => Model)
export class PromotionResolver {
  @FieldResolver(() => PromotionRuleType, { nullable: true, description: 'When a challenger replaces the production version; null to those who may not change the model' })
  promotionRule(@Root() model: Model, @Ctx() ctx: Context): Promise<PromotionRuleType | null> {
    return ctx.services.promotion.ruleOf(ctx.principal, model);
  }

  @FieldResolver(() => ComparisonConnection, { nullable: true, description: 'Its versions compared with production, newest first; null to those who may not change the model' })
  promotionComparisons(@Root() model: Model, @Args() page: PageArgs, @Ctx() ctx: Context): Promise<Page<PromotionComparison> | null> {
    return ctx.services.promotion.comparisons(ctx.principal, model, page);
  }

  @FieldResolver(() => TimelineConnection, {
    nullable: true,
    description: 'Its continuous training, newest first: retrainings, comparisons, decisions, promotions, roll backs; null to those who may not change the model',
  })
  timeline(
    @Root() model: Model,
    @Args() page: PageArgs,
    @Arg('kinds', () => [String], { nullable: true, description: 'Only these kinds' }) kinds: string[] | null,
    @Ctx() ctx: Context,
  ): Promise<Page<ModelTimelineEvent> | null> {
    return ctx.services.promotion.timelineOf(ctx.principal, model, page, kinds);
  }

  @Authorized(ANYONE)
  @Query(() => PromotionComparison, { description: 'A comparison of a version with production (NOT_FOUND unless you may change the model)' })
  promotionComparison(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PromotionComparison> {
    return ctx.services.promotion.comparison(ctx.principal, id);
  }

  @Authorized()
  @Mutation(() => PromotionRuleType, { description: 'Set the rule that decides when a challenger replaces production' })
  setPromotionRule(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('input', () => PromotionRuleInput) input: PromotionRuleInput,
    @Ctx() ctx: Context,
  ): Promise<PromotionRuleType> {
    return ctx.services.promotion.setRule(ctx.principal!, owner, name, {
      metric: input.metric ?? undefined,
      minImprovement: input.minImprovement ?? undefined,
      tolerance: input.tolerance ?? undefined,
    });
  }

  @Authorized()
  @Mutation(() => PromotionComparison, {
    description:
      'Compare version `challenger` with production on the same data (the benchmark the model is entered in, else `holdoutSql`, scored by ML.EVALUATE). Answers at once, EVALUATING; read it again (promotionComparison) until DECIDED. With promote: true a win moves production',
  })
  compareVersions(
    @Arg('owner', () => String) owner: string,
    @Arg('name', () => String) name: string,
    @Arg('challenger', () => Int) challenger: number,
    @Arg('holdoutSql', () => String, { nullable: true, description: 'A SELECT with the training columns (the label too) over data neither version trained on' }) holdoutSql: string | null,
    @Arg('promote', () => Boolean, { defaultValue: false, description: 'Move production to the challenger when it wins (false: only "would it win?")' }) promote: boolean,
    @Ctx() ctx: Context,
  ): Promise<PromotionComparison> {
    return ctx.services.promotion.compare(ctx.principal!, owner, name, challenger, holdoutSql, promote);
  }

  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Point production at this version by hand; deployments following it roll over' })
  promoteVersion(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Arg('version', () => Int) version: number, @Ctx() ctx: Context): Promise<ModelVersion> {
    return ctx.services.production.promoteVersion(ctx.principal!, owner, name, version);
  }

  @Authorized()
  @Mutation(() => ModelVersion, { description: 'Point production back at the version it pointed at before; answers that version' })
  rollBackProduction(@Arg('owner', () => String) owner: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<ModelVersion> {
    return ctx.services.production.rollBack(ctx.principal!, owner, name);
  }
}
