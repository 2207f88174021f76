/**
 * The Deployments page's list, kept current: traffic and replica counts change without an event
 * a list could follow, so the loaded rows are re-read every REFRESH_MS.
 */
import { useEffect } from 'react';
import { usePagedQuery, type PagedQuery } from '../api/use-paged-query';
import { DEPLOYMENTS } from './deployment-operations';
import type { DeploymentSummary } from './types';

const PAGE_SIZE = 25;
export const REFRESH_MS = 5_000;

export function useLiveDeployments(): PagedQuery<DeploymentSummary> {
  const list = usePagedQuery<DeploymentSummary>(DEPLOYMENTS, 'deployments', {}, PAGE_SIZE);
  const { refresh } = list;
  useEffect(() => {
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  return list;
}
