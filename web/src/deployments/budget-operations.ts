/** GraphQL documents for a deployment's budget and its autoscaling settings, edited on its page. */
import { document } from '../api/document';
import type {
  SetDeploymentBudgetMutation,
  SetDeploymentBudgetMutationVariables,
  UpdateDeploymentScalingMutation,
  UpdateDeploymentScalingMutationVariables,
} from '../api/generated';

export const SET_DEPLOYMENT_BUDGET = document<SetDeploymentBudgetMutation, SetDeploymentBudgetMutationVariables>(
  /* GraphQL */ `mutation SetDeploymentBudget($owner: String!, $name: String!, $budget: DeploymentBudgetInput) {
  setDeploymentBudget(owner: $owner, name: $name, budget: $budget) {
    id budget { limitReplicaHours usedReplicaHours month action held warnedAt exceededAt }
  }
}`,
);

export const UPDATE_DEPLOYMENT_SCALING = document<UpdateDeploymentScalingMutation, UpdateDeploymentScalingMutationVariables>(
  /* GraphQL */ `mutation UpdateDeploymentScaling($owner: String!, $name: String!, $input: UpdateDeploymentInput!) {
  updateDeployment(owner: $owner, name: $name, input: $input) {
    id minReplicas maxReplicas
    autoscaling { targetConcurrency stableWindowSeconds panicWindowSeconds scaleDownDelaySeconds scaleToZeroAfterSeconds }
  }
}`,
);
