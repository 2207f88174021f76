/**
 * What notifications are about (models, datasets) and who may hear of them: each subject kind's
 * owner (catalog, datasets) registers its sharing rule and its lookup by owner and name when its
 * module is built. The services below read them only when they run, after every module is built.
 */
import type { SubjectReadRule, SubjectRules } from './subject-access.js';
import { SubjectKind } from './subject.js';
import type { SubjectLookup } from './subscriptions.service.js';

export class NotificationSubjects {
  readonly rules = {} as SubjectRules;
  readonly lookups = {} as Record<SubjectKind, SubjectLookup>;

  register(kind: SubjectKind, rule: SubjectReadRule, lookup: SubjectLookup): void {
    if (this.rules[kind]) throw new Error(`Notification subject ${kind} is registered twice`);
    this.rules[kind] = rule;
    this.lookups[kind] = lookup;
  }

  /** The hub refuses to start when a subject kind has no owner to say who may read it. */
  assertComplete(): void {
    const missing = Object.values(SubjectKind).filter((kind) => !this.rules[kind]);
    if (missing.length > 0) throw new Error(`No module registered notification subject(s): ${missing.join(', ')}`);
  }
}
