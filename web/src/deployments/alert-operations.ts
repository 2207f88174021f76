/** GraphQL documents for a deployment's alert rules and incidents (docs/alerts.md). */
import { document } from '../api/document';
import type {
  CreateAlertRuleMutation,
  CreateAlertRuleMutationVariables,
  DeleteAlertRuleMutation,
  DeleteAlertRuleMutationVariables,
  DeploymentAlertsQuery,
  DeploymentAlertsQueryVariables,
} from '../api/generated';

export const DEPLOYMENT_ALERTS = document<DeploymentAlertsQuery, DeploymentAlertsQueryVariables>(
  /* GraphQL */ `query DeploymentAlerts($owner: String!, $name: String!) {
  deployment(owner: $owner, name: $name) {
    id
    alertRules { id name metric condition threshold sensitivity windowSeconds baselineMinutes minRequests action enabled }
    incidents(first: 50) {
      id ruleId openedAt resolvedAt action
      rule { name metric condition windowSeconds }
      opened { value requests threshold band { median low high } }
      resolved { value requests }
    }
  }
}`,
);

export const CREATE_ALERT_RULE = document<CreateAlertRuleMutation, CreateAlertRuleMutationVariables>(
  /* GraphQL */ `mutation CreateAlertRule($input: CreateAlertRuleInput!) {
  createAlertRule(input: $input) { id }
}`,
);

export const DELETE_ALERT_RULE = document<DeleteAlertRuleMutation, DeleteAlertRuleMutationVariables>(
  /* GraphQL */ `mutation DeleteAlertRule($id: ID!) { deleteAlertRule(id: $id) }`,
);
