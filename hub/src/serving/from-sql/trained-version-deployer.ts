/**
 * CREATE MODEL … OPTIONS (deploy = TRUE | deployment = 'name'): once training lands the version, it
 * goes online. The deployment is named after the model (deploy = TRUE) or as written, owned by the
 * model's owner, and made for the user who ran the statement with the scopes of the credential
 * they ran it with (an API key revoked meanwhile deploys nothing). When a deployment of that name
 * already serves that model it moves to the new version (a rolling update, DeploymentsService's
 * rules); one of that name serving another model is left alone and the run says why.
 */
import type { Principal, Scope, User } from '../../accounts/index.js';
import { AppError, conflict } from '../../errors.js';
import type { TrainedVersionEvent } from '../../training/index.js';

/** Deploys what CREATE MODEL trained, when it asked to; answers a note for the run. */
export interface SqlDeployer {
  deployTrained(event: TrainedVersionEvent): Promise<string | void>;
}

export interface TrainedDeployment {
  /** The deployment's owner (the model's owner handle) and name. */
  owner: string;
  name: string;
  model: { id: string; owner: string; name: string };
  versionNumber: number;
}

/** Creates the deployment, or moves the one of that name (same model) to the version. */
export interface DeploymentWriter {
  createOrUpdate(principal: Principal, deployment: TrainedDeployment): Promise<'created' | 'updated' | 'unchanged'>;
}

/** What {@link deploymentWriter} needs of DeploymentsService (its get / create / update). */
export interface DeploymentsForSql {
  get(viewer: Principal, owner: string, name: string): Promise<{ modelId: string; versionNumber: number }>;
  create(principal: Principal, input: { owner?: string | null; name: string; model: string; version?: number | null }): Promise<unknown>;
  update(principal: Principal, owner: string, name: string, input: { version?: number | null }): Promise<unknown>;
}

/** A {@link DeploymentWriter} over the deployments service: its checks and access rules apply. */
export function deploymentWriter(deployments: DeploymentsForSql): DeploymentWriter {
  return {
    async createOrUpdate(principal, d) {
      let existing: { modelId: string; versionNumber: number } | null = null;
      try {
        existing = await deployments.get(principal, d.owner, d.name);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
      }
      if (!existing) {
        await deployments.create(principal, { owner: d.owner, name: d.name, model: `${d.model.owner}/${d.model.name}`, version: d.versionNumber });
        return 'created';
      }
      if (existing.modelId !== d.model.id) {
        throw conflict(`deployment ${d.owner}/${d.name} serves another model: name a deployment of ${d.model.owner}/${d.model.name} with deployment = '…'`, 'deployment');
      }
      if (existing.versionNumber === d.versionNumber) return 'unchanged';
      await deployments.update(principal, d.owner, d.name, { version: d.versionNumber });
      return 'updated';
    },
  };
}

export interface DeployerAccounts {
  usersByIds(ids: readonly string[]): Promise<User[]>;
  liveCredentials(credentials: readonly Pick<Principal, 'via' | 'credentialId'>[]): Promise<Set<string>>;
}

export class TrainedVersionDeployer implements SqlDeployer {
  constructor(
    private readonly accounts: DeployerAccounts,
    private readonly writer: DeploymentWriter,
  ) {}

  async deployTrained(event: TrainedVersionEvent): Promise<string | void> {
    const deploy = event.deploy;
    if (!deploy) return;
    const shown = `${event.model.owner}/${deploy.name}`;
    try {
      const principal = await this.principalOf(event);
      const outcome = await this.writer.createOrUpdate(principal, {
        owner: event.model.owner,
        name: deploy.name,
        model: event.model,
        versionNumber: event.versionNumber,
      });
      if (outcome === 'created') return `deployment ${shown} created for version ${event.versionNumber}`;
      if (outcome === 'updated') return `deployment ${shown} moving to version ${event.versionNumber}`;
      return `deployment ${shown} already serves version ${event.versionNumber}`;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError('BAD_USER_INPUT', `version ${event.versionNumber} was not deployed to ${shown}: ${reason}`);
    }
  }

  /** The user who ran CREATE MODEL, with the scopes of the credential they ran it with. */
  private async principalOf(event: TrainedVersionEvent): Promise<Principal> {
    const deploy = event.deploy!;
    const [user] = await this.accounts.usersByIds([event.userId]);
    if (!user) throw new AppError('NOT_FOUND', 'the user who ran CREATE MODEL no longer exists');
    if (deploy.via === 'apiKey') {
      const live = await this.accounts.liveCredentials([{ via: 'apiKey', credentialId: deploy.credentialId }]);
      if (!live.has(deploy.credentialId)) throw new AppError('FORBIDDEN', 'the API key that ran CREATE MODEL was revoked or expired since');
    }
    return {
      user,
      via: deploy.via,
      credentialId: deploy.credentialId,
      scopes: deploy.scopes === 'all' ? 'all' : new Set(deploy.scopes as Scope[]),
    };
  }
}
