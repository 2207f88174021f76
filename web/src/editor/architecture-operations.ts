/** GraphQL documents for the model editor: checking a spec, and saved architectures. */
import { document } from '../api/document';
import type {
  ArchitectureQuery,
  ArchitectureQueryVariables,
  CreateArchitectureMutation,
  CreateArchitectureMutationVariables,
  DeleteArchitectureMutation,
  DeleteArchitectureMutationVariables,
  MyArchitecturesQuery,
  MyArchitecturesQueryVariables,
  UpdateArchitectureMutation,
  UpdateArchitectureMutationVariables,
  ValidateModelSpecQuery,
  ValidateModelSpecQueryVariables,
} from '../api/generated';

const ARCHITECTURE_SUMMARY_FIELDS = /* GraphQL */ `fragment ArchitectureSummaryFields on Architecture {
  id owner name description tags visibility kind layerCount totalParams createdAt updatedAt
}`;

/** Every problem, located, or the layer summary and parameter counts (confirmed by building it with TF.js). */
export const VALIDATE_MODEL_SPEC = document<ValidateModelSpecQuery, ValidateModelSpecQueryVariables>(
  /* GraphQL */ `query ValidateModelSpec($spec: JSON!) {
  validateModelSpec(spec: $spec) {
    valid totalParams trainableParams
    layers { index name type outputShape params trainableParams }
    errors { layer index path message }
  }
}`,
);

export const ARCHITECTURE = document<ArchitectureQuery, ArchitectureQueryVariables>(
  /* GraphQL */ `query Architecture($owner: String!, $name: String!) {
  architecture(owner: $owner, name: $name) { ...ArchitectureSummaryFields spec }
} ${ARCHITECTURE_SUMMARY_FIELDS}`,
);

/** With `owner`, only that owner's (the user's own, for the editor's list). */
export const MY_ARCHITECTURES = document<MyArchitecturesQuery, MyArchitecturesQueryVariables>(
  /* GraphQL */ `query MyArchitectures($first: Int, $after: String, $owner: String) {
  architectures(first: $first, after: $after, owner: $owner) {
    totalCount pageInfo { endCursor hasNextPage } edges { node { ...ArchitectureSummaryFields } }
  }
} ${ARCHITECTURE_SUMMARY_FIELDS}`,
);

export const CREATE_ARCHITECTURE = document<CreateArchitectureMutation, CreateArchitectureMutationVariables>(
  /* GraphQL */ `mutation CreateArchitecture($input: CreateArchitectureInput!) {
  createArchitecture(input: $input) { ...ArchitectureSummaryFields spec }
} ${ARCHITECTURE_SUMMARY_FIELDS}`,
);

export const UPDATE_ARCHITECTURE = document<UpdateArchitectureMutation, UpdateArchitectureMutationVariables>(
  /* GraphQL */ `mutation UpdateArchitecture($owner: String!, $name: String!, $input: UpdateArchitectureInput!) {
  updateArchitecture(owner: $owner, name: $name, input: $input) { ...ArchitectureSummaryFields spec }
} ${ARCHITECTURE_SUMMARY_FIELDS}`,
);

export const DELETE_ARCHITECTURE = document<DeleteArchitectureMutation, DeleteArchitectureMutationVariables>(
  /* GraphQL */ `mutation DeleteArchitecture($owner: String!, $name: String!) {
  deleteArchitecture(owner: $owner, name: $name)
}`,
);
