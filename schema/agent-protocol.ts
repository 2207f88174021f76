/**
 * The agent wire protocol: JSON messages over one WebSocket per agent at `/agents`.
 *
 * This file is the single definition both the hub and node-agent import. Every frame is a member
 * of {@link AgentToHub} or {@link HubToAgent} (discriminated on `type`) and is `unknown` until
 * {@link parseFrame} accepts it. Bump {@link PROTOCOL_VERSION} on any incompatible change; the
 * hub refuses a `hello` carrying another version with an `error` frame (code PROTOCOL_VERSION)
 * and closes with {@link CloseCode.ProtocolVersion}.
 *
 * Handshake: agent sends `hello` first → hub answers `welcome` (node id, heartbeat interval) or
 * `error` and closes. The compute issue extends the unions with jobs, replicas and inference.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** WebSocket close codes (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const CloseCode = {
  BadToken: 4001,
  ProtocolVersion: 4002,
  BadFrame: 4003,
  HandshakeTimeout: 4004,
  Replaced: 4005,
  Revoked: 4006,
} as const;

const capabilities = z
  .object({
    backend: z.string().max(64),
    cpuCores: z.number().int().min(1).max(4096),
    memoryBytes: z.number().int().min(0),
    gpu: z
      .object({ name: z.string().max(200), memoryBytes: z.number().int().min(0).nullable() })
      .nullable(),
    slots: z.number().int().min(1).max(1024),
    labels: z.array(z.string().min(1).max(64)).max(64),
  })
  .strict();
export type Capabilities = z.infer<typeof capabilities>;

export const hello = z
  .object({
    type: z.literal('hello'),
    protocolVersion: z.number().int(),
    token: z.string().min(1).max(512),
    agentVersion: z.string().max(64),
    capabilities,
  })
  .strict();

export const heartbeat = z.object({ type: z.literal('heartbeat'), load: z.number().min(0).max(1e6) }).strict();

export const AgentToHub = z.discriminatedUnion('type', [hello, heartbeat]);
export type AgentToHub = z.infer<typeof AgentToHub>;

export const ErrorCode = z.enum(['BAD_TOKEN', 'PROTOCOL_VERSION', 'BAD_FRAME', 'UNEXPECTED', 'HANDSHAKE_TIMEOUT']);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const welcome = z
  .object({
    type: z.literal('welcome'),
    protocolVersion: z.number().int(),
    nodeId: z.string(),
    nodeName: z.string(),
    heartbeatSeconds: z.number().int().min(1),
  })
  .strict();

export const errorFrame = z
  .object({ type: z.literal('error'), code: ErrorCode, message: z.string(), fatal: z.boolean() })
  .strict();

export const HubToAgent = z.discriminatedUnion('type', [welcome, errorFrame]);
export type HubToAgent = z.infer<typeof HubToAgent>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

/**
 * Decodes and validates one frame. Never throws: malformed JSON, an unknown `type` or a bad field
 * come back as `{ ok: false, error }` with a message naming the field.
 */
export function parseFrame<T>(schema: z.ZodType<T>, raw: string): ParseResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
  const result = schema.safeParse(data);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join('.') : 'frame';
  return { ok: false, error: `${where}: ${issue.message}` };
}

export function encodeFrame(message: AgentToHub | HubToAgent): string {
  return JSON.stringify(message);
}
