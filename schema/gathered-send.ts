/**
 * Sends a frame over a `ws` WebSocket, gathering every frame sent before the event loop's next
 * check phase into one write. Without it each frame is its own system call and wakes the other
 * process once: the answers of one batch (agent → hub) and the requests routed in one turn
 * (hub → agent) would cost a write and a wake-up each, which on a busy machine is most of what a
 * small request costs. Frames keep their order; the delay is at most one turn of the loop.
 */

/** The part of a `ws` WebSocket this needs; `_socket` is its underlying net.Socket. */
export interface FrameSocket {
  send(data: string): void;
  readonly _socket?: { cork(): void; uncork(): void } | null;
}

const corked = new WeakSet<object>();

export function sendGathered(socket: FrameSocket, data: string): void {
  const raw = socket._socket;
  if (raw && !corked.has(raw)) {
    corked.add(raw);
    raw.cork();
    setImmediate(() => {
      corked.delete(raw);
      raw.uncork();
    });
  }
  socket.send(data);
}
