import { describe, expect, it } from 'vitest';
import { AgentToHub, HubToAgent, parseFrame, PROTOCOL_VERSION } from '../agent-protocol.js';

const hello = {
  type: 'hello',
  protocolVersion: PROTOCOL_VERSION,
  token: 'amn_x',
  agentVersion: '1',
  capabilities: { backend: 'wasm', cpuCores: 4, memoryBytes: 8e9, gpu: null, slots: 2, labels: ['eu'] },
};

describe('Agent protocol frames', () => {
  it('accepts a well-formed hello and welcome', () => {
    expect(parseFrame(AgentToHub, JSON.stringify(hello))).toEqual({ ok: true, message: { ...hello, running: [] } });
    const welcome = { type: 'welcome', protocolVersion: 2, nodeId: 'n', nodeName: 'box', heartbeatSeconds: 15, leaseSeconds: 60 };
    expect(parseFrame(HubToAgent, JSON.stringify(welcome))).toEqual({ ok: true, message: welcome });
  });

  it('refuses bad frames without throwing, naming the field', () => {
    expect(parseFrame(AgentToHub, '{')).toEqual({ ok: false, error: 'frame is not valid JSON' });
    expect(parseFrame(AgentToHub, 'null').ok).toBe(false);
    expect(parseFrame(AgentToHub, JSON.stringify({ type: 'nope' })).ok).toBe(false);
    const badCores = parseFrame(AgentToHub, JSON.stringify({ ...hello, capabilities: { ...hello.capabilities, cpuCores: -1 } }));
    expect(badCores).toMatchObject({ ok: false, error: expect.stringMatching(/^capabilities\.cpuCores: /) });
    const extra = parseFrame(AgentToHub, JSON.stringify({ ...hello, isAdmin: true }));
    expect(extra.ok).toBe(false);
    expect(parseFrame(AgentToHub, JSON.stringify({ ...hello, token: 'x'.repeat(600) })).ok).toBe(false);
  });
});
