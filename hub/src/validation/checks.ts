/**
 * Field rules for the inputs of every domain (handles, names, passwords, listings, tags, text).
 * Services call these (not resolvers) so that every door into a service — GraphQL, REST, CLI —
 * gets the same checks. All problems are reported at once, each naming its field.
 */
import { AppError, type FieldProblem } from '../errors.js';

/** GitHub-style handle: letters, digits and single hyphens, 1–39 characters, no leading or trailing hyphen. */
const HANDLE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** Handles that would collide with routes or confuse people. */
const RESERVED = new Set([
  'admin', 'administrator', 'aimass', 'api', 'agents', 'graphql', 'healthz', 'readyz', 'metrics', 'login',
  'logout', 'signup', 'settings', 'account', 'models', 'datasets', 'leaderboards', 'lab', 'deployments',
  'nodes', 'new', 'explore', 'search', 'system', 'root', 'support', 'help', 'local',
]);

const LISTING_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const TAG = /^[a-z0-9][a-z0-9+#.-]{0,49}$/;
const MAX_TAGS = 20;

// Control characters and the unassigned/private-use/surrogate categories are refused in display text.
const CONTROL = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}]/u;

export class Checks {
  readonly problems: FieldProblem[] = [];

  add(field: string, message: string): this {
    this.problems.push({ field, message });
    return this;
  }

  handle(field: string, value: string): this {
    if (!HANDLE.test(value)) {
      return this.add(field, 'use 1–39 letters, digits or single hyphens, not starting or ending with a hyphen');
    }
    if (RESERVED.has(value.toLowerCase())) this.add(field, `"${value}" is reserved`);
    return this;
  }

  text(field: string, value: string, { min = 1, max }: { min?: number; max: number }): this {
    const length = [...value].length;
    if (length < min) return this.add(field, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
    if (length > max) return this.add(field, `must be at most ${max} characters`);
    if (CONTROL.test(value)) this.add(field, 'must not contain control or unassigned characters');
    return this;
  }

  email(field: string, value: string): this {
    if (value.length > 254 || !/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u.test(value)) {
      this.add(field, 'must be an email address like name@example.com');
    }
    return this;
  }

  password(field: string, value: string): this {
    if (value.length < 8) this.add(field, 'must be at least 8 characters');
    else if (value.length > 1024) this.add(field, 'must be at most 1024 characters');
    return this;
  }

  /**
   * The fields every `owner/name` listing shares (datasets, models): the name slug, a markdown
   * description, a license (SPDX id or text) and lower-case tags. Absent fields are not checked.
   */
  listing(input: { name?: string; description?: string | null; license?: string | null; tags?: readonly string[] | null }): this {
    if (input.name !== undefined && !LISTING_NAME.test(input.name)) {
      this.add('name', 'use 1–100 letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    if (input.description != null && input.description.length > 100_000) this.add('description', 'must be at most 100000 characters');
    if (input.license != null && input.license !== '') this.text('license', input.license, { max: 10_000 });
    if (input.tags != null) {
      if (input.tags.length > MAX_TAGS) this.add('tags', `at most ${MAX_TAGS} tags`);
      input.tags.forEach((tag, i) => {
        if (!TAG.test(tag)) this.add(`tags.${i}`, 'use 1–50 lower-case letters, digits, "+", "#", "." or "-"');
      });
    }
    return this;
  }

  /** Throws BAD_USER_INPUT listing every problem, if there are any. */
  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const summary = this.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new AppError('BAD_USER_INPUT', summary, this.problems);
  }
}

export const checks = () => new Checks();
