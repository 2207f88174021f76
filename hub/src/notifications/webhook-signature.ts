/**
 * Signing webhook requests. The signature is HMAC-SHA256 of the raw request body with the
 * subscription's secret, hex-encoded: `X-AIMass-Signature: sha256=<hex>`. The body carries the
 * delivery id and a timestamp (also sent as headers), so a verified body cannot be replayed
 * unnoticed: receivers check the timestamp is recent and dedupe by id. How to verify:
 * docs/notifications.md.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-AIMass-Signature';
export const TIMESTAMP_HEADER = 'X-AIMass-Timestamp';
export const DELIVERY_HEADER = 'X-AIMass-Delivery';
export const EVENT_HEADER = 'X-AIMass-Event';

/** A new per-subscription secret: 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Constant-time check of a signature header against the body, as a receiver does it. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
