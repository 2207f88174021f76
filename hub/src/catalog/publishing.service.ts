/**
 * Publishing model versions. A version is uploaded as a draft; while it is a draft its model card
 * can be written. Publishing needs a model card and a license on the model; a published version
 * can be deprecated (with a message saying why and what to use instead) and a published or
 * deprecated one unpublished (back to draft). Each change is an event on MODEL_EVENT, which the
 * modelEvents subscription reads. Publishing and deprecating also notify the model's subscribers
 * (inbox and webhooks, notifications/), written in the same transaction as the change.
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import { checks } from '../validation/checks.js';
import { AppError } from '../errors.js';
import { NotificationKind, SubjectKind, type NotificationFanOut } from '../notifications/index.js';
import type { EventBus } from '../pubsub.js';
import type { CatalogService } from './catalog.service.js';
import { ModelEvent, ModelEventKind } from './model-event.js';
import { ModelVersion, ModelVersionStatus } from './model-version.entity.js';

const MAX_CARD = 100_000;

/** What subscribers hear of; unpublishing tells no one. */
const NOTIFIED: Partial<Record<ModelEventKind, NotificationKind>> = {
  [ModelEventKind.VERSION_PUBLISHED]: NotificationKind.MODEL_VERSION_PUBLISHED,
  [ModelEventKind.VERSION_DEPRECATED]: NotificationKind.MODEL_VERSION_DEPRECATED,
};

export class PublishingService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: CatalogService,
    private readonly events: EventBus,
    private readonly notifications: NotificationFanOut,
  ) {}

  private async writable(principal: Principal, owner: string, name: string, number: number) {
    const model = await this.catalog.get(principal, owner, name, 'write');
    const version = await this.catalog.version(principal, owner, name, { number });
    return { model, version };
  }

  async setCard(principal: Principal, owner: string, name: string, number: number, card: string): Promise<ModelVersion> {
    const { version } = await this.writable(principal, owner, name, number);
    if (card.length > MAX_CARD) checks().add('card', `must be at most ${MAX_CARD} characters`).throwIfAny();
    if (version.status !== ModelVersionStatus.DRAFT) throw new AppError('CONFLICT', 'Only a draft’s model card can change; unpublish the version first');
    version.card = card;
    return this.db.getRepository(ModelVersion).save(version);
  }

  async publish(principal: Principal, owner: string, name: string, number: number): Promise<ModelVersion> {
    const { model, version } = await this.writable(principal, owner, name, number);
    if (version.status !== ModelVersionStatus.DRAFT) throw new AppError('CONFLICT', `Version ${number} is already ${version.status}`);
    const c = checks();
    if (version.card.trim().length === 0) c.add('card', 'publishing needs a model card: say what the model does, its data and its limits');
    if (model.license.trim().length === 0) c.add('license', 'publishing needs a license on the model (an SPDX id or your terms)');
    c.throwIfAny();
    return this.change(version, model.id, ModelEventKind.VERSION_PUBLISHED, { status: ModelVersionStatus.PUBLISHED, publishedAt: new Date(), deprecationMessage: null }, `Version ${number} of ${owner}/${model.name} was published`);
  }

  async deprecate(principal: Principal, owner: string, name: string, number: number, message: string): Promise<ModelVersion> {
    const { model, version } = await this.writable(principal, owner, name, number);
    checks().text('message', message.trim(), { max: 1000 }).throwIfAny();
    if (version.status !== ModelVersionStatus.PUBLISHED) throw new AppError('CONFLICT', 'Only a published version can be deprecated');
    return this.change(version, model.id, ModelEventKind.VERSION_DEPRECATED, { status: ModelVersionStatus.DEPRECATED, deprecationMessage: message.trim() }, message.trim());
  }

  async unpublish(principal: Principal, owner: string, name: string, number: number): Promise<ModelVersion> {
    const { model, version } = await this.writable(principal, owner, name, number);
    if (version.status === ModelVersionStatus.DRAFT) throw new AppError('CONFLICT', `Version ${number} is a draft already`);
    return this.change(version, model.id, ModelEventKind.VERSION_UNPUBLISHED, { status: ModelVersionStatus.DRAFT, publishedAt: null, deprecationMessage: null }, `Version ${number} of ${owner}/${model.name} was unpublished`);
  }

  private async change(version: ModelVersion, modelId: string, kind: ModelEventKind, patch: Partial<ModelVersion>, message: string): Promise<ModelVersion> {
    const { saved, announce } = await this.db.transaction(async (tx) => {
      const saved = await tx.getRepository(ModelVersion).save(Object.assign(version, patch));
      const notify = NOTIFIED[kind];
      const announce = notify
        ? await this.notifications.record(tx, { kind: notify, subject: { kind: SubjectKind.MODEL, id: modelId }, version: version.number, detail: message })
        : () => undefined;
      return { saved, announce };
    });
    this.events.publish('MODEL_EVENT', modelId, Object.assign(new ModelEvent(), { kind, modelId, version: version.number, message, at: new Date() }));
    announce();
    return saved;
  }
}
