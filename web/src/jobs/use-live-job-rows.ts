/**
 * Keeps the active rows of a jobs list live: one `jobUpdated` subscription per queued, leased or
 * running job shown, started and stopped as jobs enter and leave that set (the hub has no
 * subscription for "my jobs"). Each update goes to `onJob`.
 */
import { useEffect, useRef } from 'react';
import { JOB_UPDATED } from '../api/compute-operations';
import { subscribe } from '../api/graphql-client';
import type { Job } from '../api/types';
import { isActive } from './job-state';

export function useLiveJobRows(jobs: readonly Job[], onJob: (job: Job) => void): void {
  const handler = useRef(onJob);
  useEffect(() => {
    handler.current = onJob;
  }, [onJob]);

  const running = useRef(new Map<string, () => void>());
  const activeKey = jobs
    .filter((job) => isActive(job.status))
    .map((job) => job.id)
    .join(',');

  useEffect(() => {
    const wanted = new Set(activeKey ? activeKey.split(',') : []);
    for (const [id, stop] of running.current) {
      if (wanted.has(id)) continue;
      stop();
      running.current.delete(id);
    }
    for (const id of wanted) {
      if (running.current.has(id)) continue;
      running.current.set(
        id,
        subscribe(JOB_UPDATED, { id }, ({ jobUpdated }) => handler.current(jobUpdated)),
      );
    }
  }, [activeKey]);

  useEffect(() => {
    const subscriptions = running.current;
    return () => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    };
  }, []);
}
