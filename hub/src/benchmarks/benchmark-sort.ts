import { registerEnumType } from 'type-graphql';

export enum BenchmarkSort {
  RELEVANCE = 'relevance',
  NEWEST = 'newest',
}
registerEnumType(BenchmarkSort, { name: 'BenchmarkSort', description: 'RELEVANCE needs a search text; the default is RELEVANCE with one, NEWEST without' });
