/** GraphQL documents for the model editor: checking a spec, and saved architectures. */
const PAGE_INFO = 'pageInfo { endCursor hasNextPage }';
const ARCHITECTURE_SUMMARY_FIELDS = 'id owner name description tags visibility kind layerCount totalParams createdAt updatedAt';

/** Every problem, located, or the layer summary and parameter counts (confirmed by building it with TF.js). */
export const VALIDATE_MODEL_SPEC = `query ValidateModelSpec($spec: JSON!) {
  validateModelSpec(spec: $spec) {
    valid totalParams trainableParams
    layers { index name type outputShape params trainableParams }
    errors { layer index path message }
  }
}`;

export const ARCHITECTURE = `query Architecture($owner: String!, $name: String!) {
  architecture(owner: $owner, name: $name) { ${ARCHITECTURE_SUMMARY_FIELDS} spec }
}`;

/** With `owner`, only that owner's (the user's own, for the editor's list). */
export const MY_ARCHITECTURES = `query MyArchitectures($first: Int, $after: String, $owner: String) {
  architectures(first: $first, after: $after, owner: $owner) { totalCount ${PAGE_INFO} edges { node { ${ARCHITECTURE_SUMMARY_FIELDS} } } }
}`;

export const CREATE_ARCHITECTURE = `mutation CreateArchitecture($input: CreateArchitectureInput!) {
  createArchitecture(input: $input) { ${ARCHITECTURE_SUMMARY_FIELDS} spec }
}`;

export const UPDATE_ARCHITECTURE = `mutation UpdateArchitecture($owner: String!, $name: String!, $input: UpdateArchitectureInput!) {
  updateArchitecture(owner: $owner, name: $name, input: $input) { ${ARCHITECTURE_SUMMARY_FIELDS} spec }
}`;

export const DELETE_ARCHITECTURE = `mutation DeleteArchitecture($owner: String!, $name: String!) { deleteArchitecture(owner: $owner, name: $name) }`;
