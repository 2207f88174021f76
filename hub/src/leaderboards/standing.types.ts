/** The GraphQL shapes of a model's standings on benchmarks (rows read by StandingsService; no entities). */
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Benchmark } from '../benchmarks/index.js';

@ObjectType({ description: 'A model’s place on a benchmark: its best scored submission ranked among the models on the board in force' })
export class ModelStanding {
  @Field(() => Benchmark) benchmark: Benchmark;
  @Field(() => Int, { nullable: true, description: 'Among the models on the board (1 is best; ties share a rank); null: entered but not scored yet' })
  rank: number | null;
  @Field(() => Float, { nullable: true, description: 'The ranking score of its best submission: the public score while the benchmark is open, the private one after its deadline' })
  score: number | null;
  @Field(() => Int, { nullable: true, description: 'The version whose submission holds the place' }) modelVersion: number | null;
  @Field(() => Int, { description: 'Models ranked on the benchmark' }) models: number;
  @Field(() => Boolean, { description: 'The deadline has passed: the rank is the final, private one' }) final: boolean;
  @Field(() => Boolean, { description: 'The model is entered in this standing benchmark: each new version is submitted to it' }) entered: boolean;
  @Field(() => String, { nullable: true, description: 'The team (organization) the entry submits for' }) team: string | null;
}

@InputType()
export class ModelRefInput {
  @Field(() => String) owner: string;
  @Field(() => String) name: string;
}
