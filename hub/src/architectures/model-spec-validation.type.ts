/**
 * GraphQL types of a model spec validation (see schema/model-spec-analysis.ts for what each
 * figure means). Parameter counts are Float: a refused spec can ask for more than 2^31 of them.
 */
import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType('ModelSpecError', { description: 'One problem with a spec, located' })
export class ModelSpecErrorType {
  @Field(() => String, { nullable: true, description: 'Name of the layer (or model input) it belongs to, when it has a usable one' })
  layer: string | null;

  @Field(() => Int, { nullable: true, description: 'Index in layers (or in inputs, for a model input)' })
  index: number | null;

  @Field(() => String, { description: 'Where in the spec: layers[3].units, inputs[0].shape[1], outputs[0]; empty for the whole spec' })
  path: string;

  @Field(() => String)
  message: string;
}

@ObjectType('ModelSpecLayer', { description: 'One entry of the spec’s layers, as TF.js builds it' })
export class ModelSpecLayerType {
  @Field(() => Int, { description: 'Index in the spec’s layers' })
  index: number;

  @Field(() => String, { description: 'As written, or generated (dense_1) for an unnamed layer of a sequential spec' })
  name: string;

  @Field(() => String)
  type: string;

  @Field(() => [String], { description: 'Input or layer names it is applied to' })
  inputs: string[];

  @Field(() => [Int], { nullable: 'itemsAndList', description: 'Batch dimension first (null); null items are free sizes; null when it cannot be known because of an error' })
  outputShape: (number | null)[] | null;

  @Field(() => Float, { nullable: true })
  params: number | null;

  @Field(() => Float, { nullable: true })
  trainableParams: number | null;
}

@ObjectType('ModelSpecTensor', { description: 'A model input or output' })
export class ModelSpecTensorType {
  @Field(() => String)
  name: string;

  @Field(() => [Int], { nullable: 'itemsAndList', description: 'Batch dimension first (null)' })
  shape: (number | null)[] | null;

  @Field(() => String, { description: 'float32 or int32' })
  dtype: string;
}

@ObjectType('ModelSpecValidation', { description: 'What a model spec builds into, or every problem found' })
export class ModelSpecValidationType {
  @Field(() => Boolean)
  valid: boolean;

  @Field(() => String, { nullable: true, description: 'sequential or functional; null when the spec says neither' })
  kind: string | null;

  @Field(() => [ModelSpecTensorType])
  inputs: ModelSpecTensorType[];

  @Field(() => [ModelSpecTensorType])
  outputs: ModelSpecTensorType[];

  @Field(() => [ModelSpecLayerType], { description: 'One per entry of the spec’s layers, in its order' })
  layers: ModelSpecLayerType[];

  @Field(() => Float, { nullable: true, description: 'Null while some layer’s count cannot be known' })
  totalParams: number | null;

  @Field(() => Float, { nullable: true })
  trainableParams: number | null;

  @Field(() => Float, { nullable: true })
  nonTrainableParams: number | null;

  @Field(() => [ModelSpecErrorType])
  errors: ModelSpecErrorType[];
}
