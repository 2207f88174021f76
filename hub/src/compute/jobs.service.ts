/**
 * Jobs as users see them: submit, read, list, cancel, and their attempt history. Who may see a
 * job: its owner, members of its organization, platform admins; to anyone else it is NOT_FOUND.
 */
import type { DataSource } from 'typeorm';
import { JOB_KINDS, isJobKind } from '../../../schema/index.js';
import type { Principal } from '../accounts/index.js';
import type { OrganizationsService } from '../accounts/index.js';
import { AccessService, readableSql, type AccessTable } from '../access/index.js';
import { entityFromJson, entityJsonSql } from '../db/entity-from-json.js';
import { asUuid } from '../db/ids.js';
import { rows } from '../db/rows.js';
import type { Signals } from '../db/signals.js';
import { AppError, badInput, notFound } from '../errors.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import type { EventBus } from '../pubsub.js';
import { JobAttempt } from './job-attempt.entity.js';
import type { JobKinds } from './job-kinds.js';
import { Job, JobStatus, type JobRequirements } from './job.entity.js';
import { eligibleSql, residencyOf, trustedBySql, type DataRead } from './placement.js';
import { checks } from '../validation/checks.js';

/** Where a job may run and how many such nodes are online now (GraphQL Job.placement, CREATE MODEL's answer). */
export interface Placement {
  /** Only nodes its data's owners trust (false: any node). */
  trustedOnly: boolean;
  /** Eligible nodes online now (connected, not disabled, quarantined or draining). */
  online: number;
  /** For people: "your trusted nodes (2 online)", "any node (3 online)". */
  text: string;
}

/** What a job waiting with no eligible node online says (GraphQL Job.waitingReason). */
export const WAITING_FOR_TRUSTED = 'waiting for one of your trusted nodes: none is online';
/** The same when the data is (also) someone else's: the node must be trusted by every owner. */
export const WAITING_FOR_SHARED = 'waiting for a node every owner of its data trusts: none is online';
export const WAITING_FOR_ANY = 'waiting for a node: none is online';

export interface SubmitJobInput {
  kind: string;
  payload?: unknown;
  priority?: number | null;
  maxAttempts?: number | null;
  requirements?: { [K in keyof JobRequirements]?: JobRequirements[K] | null } | null;
  /** Handle of an organization the job belongs to (you must be a member). */
  organization?: string | null;
}

const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Jobs have no visibility: the owner and the members of the job's organization read them. */
const JOB_ACCESS: AccessTable = { alias: 'j', visibility: null, organization: 'organization_id' };

export class JobsService {
  /** A job is read by its owner, the members of its organization and platform admins. */
  private readonly access: AccessService;

  constructor(
    private readonly db: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly events: EventBus,
    private readonly signals: Signals,
    private readonly kinds: JobKinds,
  ) {
    this.access = new AccessService(db);
  }

  private get repo() {
    return this.db.getRepository(Job);
  }

  async submit(principal: Principal, input: SubmitJobInput): Promise<Job> {
    if (!isJobKind(input.kind) || !this.kinds.of(input.kind).submittable) {
      throw badInput('kind', `unknown job kind "${input.kind}"; one of ${Object.keys(JOB_KINDS).join(', ')}`);
    }
    const parsed = JOB_KINDS[input.kind].payload.safeParse(input.payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(['payload', ...issue.path].join('.'), issue.message);
    }
    const refusal = (this.kinds.of(input.kind).validatePayload as ((payload: unknown) => string | null) | undefined)?.(parsed.data);
    if (refusal) throw badInput('payload', refusal);
    if (JSON.stringify(parsed.data).length > MAX_PAYLOAD_BYTES) throw badInput('payload', `must be at most ${MAX_PAYLOAD_BYTES} bytes`);
    const c = checks();
    const priority = input.priority ?? 0;
    const maxAttempts = input.maxAttempts ?? 3;
    if (!Number.isInteger(priority) || priority < -100 || priority > 100) c.add('priority', 'must be a whole number from -100 to 100');
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) c.add('maxAttempts', 'must be a whole number from 1 to 20');
    const requirements = normaliseRequirements(input.requirements ?? {}, c);
    c.throwIfAny();
    let organizationId: string | null = null;
    if (input.organization) {
      const org = await this.organizations.byHandle(input.organization);
      if (!(await this.organizations.roleOf(principal.user.id, org.id))) throw notFound('Organization');
      organizationId = org.id;
    }
    return this.enqueue({ kind: input.kind, payload: parsed.data, ownerId: principal.user.id, organizationId, priority, maxAttempts, requirements });
  }

  /**
   * Queues a job without a caller's checks (the hub's own jobs, other domains' jobs). A domain may
   * choose the id, to write its own rows about the job before an agent can ask for them. A kind
   * that reads data must say what it reads (`reads`, possibly empty): its placement follows from
   * it (placement.ts).
   */
  async enqueue(
    job: Pick<Job, 'kind' | 'payload' | 'ownerId' | 'requirements'> &
      Partial<Pick<Job, 'id' | 'organizationId' | 'priority' | 'maxAttempts'>> & { reads?: readonly DataRead[] },
  ): Promise<Job> {
    const { reads, ...fields } = job;
    if (isJobKind(job.kind) && this.kinds.of(job.kind).readsData && !reads) {
      throw new AppError('INTERNAL', `a ${job.kind} job reads data: queue it with what it reads, so its placement can be derived`);
    }
    const residency = residencyOf(reads ?? []);
    const saved = await this.repo.save(this.repo.create({ ...fields, residency, status: JobStatus.QUEUED, runAfter: new Date(), updatedAt: new Date() }));
    this.publish(saved);
    this.signals.emit('jobs', {});
    return saved;
  }

  async get(principal: Principal, id: string): Promise<Job> {
    const job = await this.repo.findOneBy({ id: asUuid(id, 'Job') });
    if (!job || !(await this.canSee(principal, job))) throw notFound('Job');
    return job;
  }

  private canSee(principal: Principal, job: Job): Promise<boolean> {
    return this.access.canRead(principal, { ownerId: job.ownerId, organizationId: job.organizationId });
  }

  list(
    principal: Principal,
    filter: { status?: JobStatus | null; kind?: string | null; nodeId?: string | null; mine?: boolean | null },
    args: PageArgs,
  ): Promise<Page<Job>> {
    const qb = this.repo
      .createQueryBuilder('j')
      .where(readableSql(JOB_ACCESS, { user: ':me', isAdmin: principal.user.isAdmin }), { me: principal.user.id });
    if (filter.mine) qb.andWhere('j.ownerId = :me', { me: principal.user.id });
    if (filter.status) qb.andWhere('j.status = :status', { status: filter.status });
    if (filter.kind) qb.andWhere('j.kind = :kind', { kind: filter.kind });
    if (filter.nodeId) qb.andWhere('j.nodeId = :nodeId', { nodeId: asUuid(filter.nodeId, 'Node') });
    return paginate(qb, args);
  }

  attempts(jobId: string): Promise<JobAttempt[]> {
    return this.db.getRepository(JobAttempt).find({ where: { jobId }, order: { attempt: 'ASC' } });
  }

  /** Cancels a queued or running job; the node running it is told to stop. Finished jobs are CONFLICT. */
  async cancel(principal: Principal, id: string): Promise<Job> {
    const job = await this.get(principal, id);
    const result = await this.db.query(
      `UPDATE jobs SET status = 'canceled', finished_at = now(), updated_at = now(), lease_expires_at = NULL, job_token_hash = NULL,
         error = 'canceled by ' || $2
       WHERE id = $1 AND status IN ('queued', 'leased', 'running')
       RETURNING node_id, attempts, status`,
      [job.id, principal.user.username],
    );
    const row = rows(result)[0];
    if (!row) throw new AppError('CONFLICT', `This job already ${job.status}`);
    if (row.node_id) {
      await this.db.query(`UPDATE job_attempts SET outcome = 'canceled', ended_at = now(), reason = 'canceled by its owner' WHERE job_id = $1 AND attempt = $2`, [
        job.id,
        row.attempts,
      ]);
      this.signals.emit('jobCanceled', { jobId: job.id, nodeId: row.node_id, attempt: row.attempts });
    }
    return this.refresh(job.id);
  }

  /**
   * Cancels a queued or active job for the hub itself (another domain ends work it made: a
   * deployment's surplus replica); the node holding it is told to stop. False when it had ended.
   */
  async stop(id: string, reason: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE jobs SET status = 'canceled', finished_at = now(), updated_at = now(), lease_expires_at = NULL, job_token_hash = NULL, error = $2
       WHERE id = $1 AND status IN ('queued', 'leased', 'running')
       RETURNING node_id, attempts`,
      [id, reason],
    );
    const row = rows(result)[0];
    if (!row) return false;
    if (row.node_id) {
      await this.db.query(`UPDATE job_attempts SET outcome = 'canceled', ended_at = now(), reason = $3 WHERE job_id = $1 AND attempt = $2 AND ended_at IS NULL`, [id, row.attempts, reason]);
      this.signals.emit('jobCanceled', { jobId: id, nodeId: row.node_id, attempt: row.attempts });
    }
    await this.refresh(id);
    return true;
  }

  /**
   * Where a job with this residency may run, and how many eligible nodes are online now.
   * `viewerId`: whose point of view the text takes ("your trusted nodes" when the viewer is the
   * only owner concerned).
   */
  async placement(residency: string[] | null, viewerId?: string): Promise<Placement> {
    const [{ online }] = await this.db.query(
      `SELECT count(*)::int AS online FROM nodes n
       WHERE n.connected AND NOT n.disabled AND NOT n.quarantined AND NOT n.draining
         AND ${eligibleSql('$1::uuid[]', 'n', trustedBySql('n'))}`,
      [residency],
    );
    if (!residency) return { trustedOnly: false, online, text: `any node (${online} online)` };
    const whose = residency.length === 1 && residency[0] === viewerId ? 'your trusted nodes' : 'nodes every data owner trusts';
    return { trustedOnly: true, online, text: `${whose} (${online} online)` };
  }

  /** Why a queued job is not running, when the reason is that no node it may run on is online; null otherwise. */
  async waitingReason(job: Job): Promise<string | null> {
    if (job.status !== JobStatus.QUEUED) return null;
    const { online } = await this.placement(job.residency);
    if (online > 0) return null;
    if (!job.residency) return WAITING_FOR_ANY;
    return job.residency.length === 1 && job.residency[0] === job.ownerId ? WAITING_FOR_TRUSTED : WAITING_FOR_SHARED;
  }

  /** SQL of the whole row of `jobs` under `alias` as one JSON value, for {@link publishRow} (e.g. an UPDATE's RETURNING). */
  rowJsonSql(alias: string): string {
    return entityJsonSql(this.db, Job, alias);
  }

  /** Publishes a job's row read as {@link rowJsonSql} to its subscribers, with no second read. */
  publishRow(json: Record<string, unknown>): void {
    this.publish(entityFromJson(this.db, Job)(json));
  }

  /** Re-reads a job and publishes it to its subscribers. */
  async refresh(id: string): Promise<Job> {
    const job = await this.repo.findOneByOrFail({ id });
    this.publish(job);
    return job;
  }

  private publish(job: Job): void {
    this.events.publish('JOB_UPDATED', job.id, job);
  }
}

function normaliseRequirements(input: NonNullable<SubmitJobInput['requirements']>, c: ReturnType<typeof checks>): JobRequirements {
  const out: JobRequirements = {};
  if (input.gpu) out.gpu = true;
  if (input.minMemoryBytes != null) {
    if (!Number.isFinite(input.minMemoryBytes) || input.minMemoryBytes < 0) c.add('requirements.minMemoryBytes', 'must be 0 or more');
    else out.minMemoryBytes = Math.floor(input.minMemoryBytes);
  }
  if (input.backends?.length) out.backends = input.backends.slice(0, 8).map(String);
  if (input.labels?.length) {
    if (input.labels.length > 32 || input.labels.some((l) => !/^[A-Za-z0-9._:=-]{1,64}$/.test(l))) {
      c.add('requirements.labels', 'at most 32 labels of letters, digits and . _ : = -');
    } else out.labels = input.labels;
  }
  if (input.ownNodesOnly) out.ownNodesOnly = true;
  if (input.nodeId) {
    if (!/^[0-9a-f-]{36}$/i.test(input.nodeId)) c.add('requirements.nodeId', 'is not a node id');
    else out.nodeId = input.nodeId;
  }
  return out;
}
