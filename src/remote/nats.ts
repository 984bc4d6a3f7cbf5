/**
 * The NATS client, the cluster's one dependency: the only file that imports it, and only when a
 * system is made with a `cluster` option (src/remote/ is loaded on demand), so a system of one
 * process loads no NATS code at all.
 *
 * @module
 */

// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
// deno-lint-ignore no-import-prefix
import type { Msg, NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import { beforeTimeout, TIMED_OUT } from "../util/before_timeout.ts";
export type { Msg, NatsConnection, Subscription } from "npm:@nats-io/transport-node@3.4.0";
export { type KV, Kvm } from "npm:@nats-io/kv@3.4.0";

/** Connects to the NATS servers at `servers` (e.g. "nats://127.0.0.1:4222"). */
export function connectNats(
  servers: string | string[],
  name: string,
): ReturnType<typeof connect> {
  return connect({
    servers,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
}

/** A subscription's callback: `each` for each message; a subscription's error is reported. */
export function onMessage(
  each: (msg: Msg) => unknown,
): (error: Error | null, msg: Msg) => void {
  return (error, msg) => {
    if (error !== null) {
      console.error("ringmail: a cluster subscription failed:", error);
    } else each(msg);
  };
}

/**
 * Writes what `nc` has to send to its socket now. The client writes in a microtask queued by the
 * first publish of a turn, so that a turn's publishes go in one write; everything queued before
 * that microtask runs first, and on a caller's thread that is the Bridge arming its wait for the
 * reply (~10–20 µs that the request waited, measured). A sender that has published all it has
 * for now writes at once instead. The client's flush is not public API: its shape is pinned
 * with the client's version (tests/remote/nats_write_test.ts checks it); with another shape the
 * client's own microtask writes, as before.
 */
export function writeNow(nc: NatsConnection): void {
  (nc as unknown as { protocol?: { flushPending?: () => void } }).protocol?.flushPending?.();
}

/** Whether a NATS request failed because nobody subscribes to its subject. */
export function isNoResponders(error: unknown): boolean {
  const maybe = error as { isNoResponders?: () => boolean } | null;
  return typeof maybe?.isNoResponders === "function" && maybe.isNoResponders();
}

/** Whether a NATS request failed because no answer came within its timeout. */
export function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "TimeoutError";
}

/**
 * `nc.flush()`, waited for `ms` at most: the client notices a server that froze only when its
 * own pings go unanswered, minutes later.
 * @throws {Error} when the server did not answer in time (or the flush failed).
 */
export async function flushWithin(nc: NatsConnection, ms: number): Promise<void> {
  const flushing = nc.flush();
  if (await beforeTimeout(flushing, ms) !== TIMED_OUT) return;
  // It fails once the connection closes, or the server comes back: the caller was told already.
  flushing.catch(() => {});
  throw new Error(`the NATS server did not answer within ${ms} ms (is it frozen, or cut off?)`);
}
