/**
 * Opaque bearer tokens: `<kind>_<43 chars of base64url randomness>` (256 bits). Only the SHA-256
 * is stored; a fast hash is right here because the secret is random, not chosen by a person.
 * The kind prefix lets a leaked token be recognised by secret scanners and routed on sight.
 */
import { createHash, randomBytes } from 'node:crypto';

export type TokenKind = 'ams' | 'amk' | 'amn' | 'amj'; // session, API key, node, job (one attempt)

export interface IssuedToken {
  token: string;
  /** Safe to show and store: kind plus the first 8 secret characters. */
  prefix: string;
  hash: string;
}

export function issueToken(kind: TokenKind): IssuedToken {
  const token = `${kind}_${randomBytes(32).toString('base64url')}`;
  return { token, prefix: token.slice(0, kind.length + 9), hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenKind(token: string): TokenKind | undefined {
  const kind = token.slice(0, 3);
  return kind === 'ams' || kind === 'amk' || kind === 'amn' || kind === 'amj' ? kind : undefined;
}
