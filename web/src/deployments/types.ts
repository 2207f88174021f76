/**
 * The deployment pages' shapes, from ../api/generated.ts (schema/schema.graphql and the portal's
 * documents): see ../api/types.ts.
 */
import type {
  DeploymentFieldsFragment,
  DeploymentsQuery,
  DeploymentUsageQuery,
  PredictMutation,
  TryDeploymentFieldsFragment,
} from '../api/generated';

export type { DeploymentStatus, ReplicaState } from '../api/generated';

/** One deployment in full, as its page shows it. */
export type DeploymentDetail = DeploymentFieldsFragment;
export type Replica = DeploymentDetail['replicas'][number];
export type DeploymentStats = DeploymentDetail['stats'];
/** A row of the Deployments page. */
export type DeploymentSummary = DeploymentsQuery['deployments']['edges'][number]['node'];
/** What Try it needs: the features to ask for, the label's name and the REST paths. */
export type TryDeployment = TryDeploymentFieldsFragment;
export type DeploymentFeature = TryDeployment['features'][number];
export type PredictionResult = PredictMutation['predict'];
export type Prediction = PredictionResult['predictions'][number];
export type UsagePoint = DeploymentUsageQuery['usage'][number];
