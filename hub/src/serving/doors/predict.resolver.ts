/**
 * GraphQL's front door: `predict(deployment: "owner/name", instances, version)`, the same
 * prediction as TF Serving's and KServe's routes (InferenceService). Instances are objects of
 * named features (or lists of values in signature order); the answer carries, per instance, the
 * label and class probabilities (classifiers) or the value (regressors), and which version and
 * replica answered. API keys need the `inference` scope (graphql/operation-access.ts).
 */
import { GraphQLJSON } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, Float, ID, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { badInput } from '../../errors.js';
import type { Context } from '../../graphql/context.js';
import { instancesOf, predictionResult } from './predict-result.js';
import { requestDeadline } from './request-deadline.js';

@ObjectType('ClassProbability', { description: 'One class of a classifier and its probability' })
export class ClassProbability {
  @Field(() => String) label: string;
  @Field(() => Float) probability: number;
}

@ObjectType('Prediction', { description: 'The answer for one instance' })
export class Prediction {
  @Field(() => String, { nullable: true, description: 'Classifiers: the most probable class (the first in class order on a tie)' }) label: string | null;
  @Field(() => [ClassProbability], { nullable: true, description: 'Classifiers: every class with its probability, in the model’s class order (null when the model answered a value that is not a finite number: see outputs)' }) probabilities: ClassProbability[] | null;
  @Field(() => Float, { nullable: true, description: 'Regressors: the predicted value' }) value: number | null;
  @Field(() => [Float], { nullable: 'itemsAndList', description: 'The model’s raw outputs: the probabilities (classifiers) or [value] (regressors); null where not a finite number' }) outputs: (number | null)[];
}

@ObjectType('PredictionResult', { description: 'An online prediction by a deployment' })
export class PredictionResult {
  @Field(() => [Prediction], { description: 'One per instance, in order' }) predictions: Prediction[];
  @Field(() => String, { description: 'The model served, owner/name' }) model: string;
  @Field(() => Int, { description: 'The model version that answered' }) versionNumber: number;
  @Field(() => ID, { description: 'The replica (serve job) that answered' }) replica: string;
  @Field(() => String, { nullable: true, description: 'The node the replica runs on' }) nodeName: string | null;
  @Field(() => Float, { description: 'Milliseconds from the hub taking the call to the answer' }) latencyMs: number;
}

@Resolver()
export class PredictResolver {
  @Authorized()
  @Mutation(() => PredictionResult, {
    description:
      'Runs instances through a deployment online. Each instance is an object of the model’s features (feature name → value; a feature left out is NULL, ' +
      'which preprocessing imputes) or a list of values in signature order. NOT_FOUND for a deployment you may not call; ' +
      'BAD_USER_INPUT naming the instance and feature for a value that does not fit; RATE_LIMITED over a limit; UNAVAILABLE when no replica can take it now.',
  })
  async predict(
    @Arg('deployment', () => String, { description: 'owner/name' }) deployment: string,
    @Arg('instances', () => [GraphQLJSON]) instances: unknown[],
    @Arg('version', () => Int, { nullable: true, description: 'Only replicas serving this model version (default: any the deployment serves)' }) version: number | null,
    @Arg('routingKey', () => String, { nullable: true, description: 'A split deployment: requests with the same key reach the same variant while its weights stay (e.g. your end user’s id)' })
    routingKey: string | null,
    @Ctx() ctx: Context,
  ): Promise<PredictionResult> {
    const slash = deployment.indexOf('/');
    if (slash <= 0 || slash === deployment.length - 1) throw badInput('deployment', 'must be "owner/name"');
    const inference = ctx.services.inference;
    const prediction = await inference.predict(
      ctx.principal!,
      deployment.slice(0, slash),
      deployment.slice(slash + 1),
      version === null ? {} : { versionNumber: version },
      (target) => instancesOf(target, instances),
      requestDeadline(undefined, ctx.services.config.inference.defaultDeadlineMs, Date.now()),
      'instances',
      routingKey === null ? {} : { key: routingKey, keyField: 'routingKey' },
    );
    return predictionResult(prediction.target, prediction.answer);
  }
}
