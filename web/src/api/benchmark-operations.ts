/** GraphQL documents for benchmarks: the list, one benchmark, the columns of a dataset version to build one from, creating one; its leaderboard (live) and submitting to it; a model's standings and standing entries. */
import { document } from './document';
import type {
  BenchmarkBoardQuery,
  BenchmarkBoardQueryVariables,
  BenchmarkQuery,
  BenchmarkQueryVariables,
  BenchmarkSourceColumnsQuery,
  BenchmarkSourceColumnsQueryVariables,
  BenchmarksQuery,
  BenchmarksQueryVariables,
  CreateBenchmarkMutation,
  CreateBenchmarkMutationVariables,
  DeleteBenchmarkMutation,
  DeleteBenchmarkMutationVariables,
  EnterStandingBenchmarkMutation,
  EnterStandingBenchmarkMutationVariables,
  LeaveStandingBenchmarkMutation,
  LeaveStandingBenchmarkMutationVariables,
  ModelStandingsQuery,
  ModelStandingsQueryVariables,
  LeaderboardChangedSubscription,
  LeaderboardChangedSubscriptionVariables,
  SubmitToBenchmarkMutation,
  SubmitToBenchmarkMutationVariables,
  UpdateBenchmarkMutation,
  UpdateBenchmarkMutationVariables,
} from './generated';

/** Benchmarks you may see, newest first (best matches first with a search); `open` picks open or closed ones. */
export const BENCHMARKS = document<BenchmarksQuery, BenchmarksQueryVariables>(
  /* GraphQL */ `query Benchmarks($first: Int, $after: String, $search: String, $task: BenchmarkTask, $open: Boolean, $tags: [String!]) {
  benchmarks(first: $first, after: $after, search: $search, task: $task, open: $open, tags: $tags) {
    totalCount pageInfo { endCursor hasNextPage }
    edges { node { id owner name description task metric higherIsBetter tags visibility deadline open testRowCount createdAt } }
  }
}`,
);

export const BENCHMARK = document<BenchmarkQuery, BenchmarkQueryVariables>(
  /* GraphQL */ `query Benchmark($owner: String!, $name: String!) {
  benchmark(owner: $owner, name: $name) {
    id owner name description task metric higherIsBetter secondaryMetrics label labelType tags visibility deadline open
    testRowCount publicRowCount createdAt viewerIsAdmin
    rules { submissionsPerDay teamSize }
    featureColumns { name type }
    devDataset { owner name }
    devVersion { number rowCount }
  }
}`,
);

/** The columns of the dataset version a benchmark is to be made from (the latest without a number). */
export const BENCHMARK_SOURCE_COLUMNS = document<BenchmarkSourceColumnsQuery, BenchmarkSourceColumnsQueryVariables>(
  /* GraphQL */ `query BenchmarkSourceColumns($owner: String!, $name: String!, $number: Int) {
  datasetVersion(owner: $owner, name: $name, number: $number) { id number rowCount columns { name type } }
}`,
);

export const CREATE_BENCHMARK = document<CreateBenchmarkMutation, CreateBenchmarkMutationVariables>(
  /* GraphQL */ `mutation CreateBenchmark($input: CreateBenchmarkInput!) {
  createBenchmark(input: $input) { id owner name }
}`,
);

export const UPDATE_BENCHMARK = document<UpdateBenchmarkMutation, UpdateBenchmarkMutationVariables>(
  /* GraphQL */ `mutation UpdateBenchmark($owner: String!, $name: String!, $input: UpdateBenchmarkInput!) {
  updateBenchmark(owner: $owner, name: $name, input: $input) { id description deadline open visibility tags rules { submissionsPerDay teamSize } }
}`,
);

export const DELETE_BENCHMARK = document<DeleteBenchmarkMutation, DeleteBenchmarkMutationVariables>(
  /* GraphQL */ `mutation DeleteBenchmark($owner: String!, $name: String!) {
  deleteBenchmark(owner: $owner, name: $name)
}`,
);

const SUBMISSION_FIELDS = /* GraphQL */ `fragment SubmissionFields on BenchmarkSubmission {
  id status error model modelVersion submitter team automatic publicScore publicInterval { low high confidence } publicMetrics { metric value }
  privateScore privateMetrics { metric value } createdAt scoredAt
  verification { state round runs agreeingRuns spotChecksPassed }
}`;

/** A benchmark's leaderboard, the viewer's submissions and the model versions of theirs it can evaluate. */
export const BENCHMARK_BOARD = document<BenchmarkBoardQuery, BenchmarkBoardQueryVariables>(
  /* GraphQL */ `query BenchmarkBoard($owner: String!, $name: String!) {
  benchmark(owner: $owner, name: $name) {
    id open
    leaderboard { final entries { rank publicRank submitter submissions lastSubmittedAt submission { ...SubmissionFields } } }
    mySubmissions { ...SubmissionFields }
    compatibleModelVersions { owner name version }
  }
} ${SUBMISSION_FIELDS}`,
);

/** Fires (with the benchmark) each time a scored submission changed its leaderboard. */
export const LEADERBOARD_CHANGED = document<LeaderboardChangedSubscription, LeaderboardChangedSubscriptionVariables>(
  /* GraphQL */ `subscription LeaderboardChanged($owner: String!, $name: String!) {
  leaderboardChanged(owner: $owner, name: $name) { id }
}`,
);

export const SUBMIT_TO_BENCHMARK = document<SubmitToBenchmarkMutation, SubmitToBenchmarkMutationVariables>(
  /* GraphQL */ `mutation SubmitToBenchmark($benchmark: BenchmarkRefInput!, $model: ModelVersionRefInput!, $team: String) {
  submitToBenchmark(benchmark: $benchmark, model: $model, team: $team) { id status }
}`,
);

/** A model's places on the benchmarks the viewer may read (and the standing ones it is entered in). */
export const MODEL_STANDINGS = document<ModelStandingsQuery, ModelStandingsQueryVariables>(
  /* GraphQL */ `query ModelStandings($owner: String!, $name: String!) {
  model(owner: $owner, name: $name) {
    id
    standings { benchmark { id owner name metric higherIsBetter open } rank score modelVersion models final entered team }
  }
}`,
);

export const ENTER_STANDING_BENCHMARK = document<EnterStandingBenchmarkMutation, EnterStandingBenchmarkMutationVariables>(
  /* GraphQL */ `mutation EnterStandingBenchmark($model: ModelRefInput!, $benchmark: BenchmarkRefInput!, $team: String) {
  enterStandingBenchmark(model: $model, benchmark: $benchmark, team: $team) { entered }
}`,
);

export const LEAVE_STANDING_BENCHMARK = document<LeaveStandingBenchmarkMutation, LeaveStandingBenchmarkMutationVariables>(
  /* GraphQL */ `mutation LeaveStandingBenchmark($model: ModelRefInput!, $benchmark: BenchmarkRefInput!) {
  leaveStandingBenchmark(model: $model, benchmark: $benchmark)
}`,
);
