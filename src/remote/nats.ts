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
import type { Msg } from "npm:@nats-io/transport-node@3.4.0";
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

/** Whether a NATS request failed because nobody subscribes to its subject. */
export function isNoResponders(error: unknown): boolean {
  const maybe = error as { isNoResponders?: () => boolean } | null;
  return typeof maybe?.isNoResponders === "function" && maybe.isNoResponders();
}
