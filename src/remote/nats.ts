/**
 * The NATS client, the cluster's one dependency: the only file that imports it, and only when a
 * system is made with a `cluster` option (src/remote/ is loaded on demand), so a system of one
 * process loads no NATS code at all.
 *
 * @module
 */

import { connect } from "@nats-io/transport-node";
export type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";

/** Connects to the NATS servers at `servers` (e.g. "nats://127.0.0.1:4222"). */
export function connectNats(
  servers: string | string[],
  name: string,
): ReturnType<typeof connect> {
  return connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
}
