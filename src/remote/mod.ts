/**
 * Remote actors over NATS: the cluster link and what it is made of. Loaded on demand by a
 * system made with a `cluster` option (see src/system/cluster.ts); nothing here is loaded
 * otherwise.
 *
 * @module
 */

import { ClusterLink } from "./link.ts";
import type { JoinCluster, LinkHost } from "../system/cluster_link.ts";
import { connectNats } from "./nats.ts";
import { beforeTimeout, TIMED_OUT } from "../util/before_timeout.ts";

export { ClusterLink } from "./link.ts";
export { NameNotFoundError, NameTakenError, NodeFoundDownError } from "./errors.ts";

/** How often nodes are pinged and when one counts as down, unless the options say otherwise. */
const DEFAULT_PING_INTERVAL_MS = 100;
const DEFAULT_DOWN_AFTER_MS = 1500;
/**
 * How long the join waits for a connection, then for the server to confirm the link's
 * subscriptions (and names): each step at most this long.
 */
const START_WAIT_MS = 10_000;

/** Connects to NATS and starts the node's link (the system's JoinCluster, see cluster_link.ts). */
export const joinCluster: JoinCluster = async function joinCluster(
  host: LinkHost,
  options: {
    servers: string | string[];
    pingIntervalMs?: number;
    downAfterMs?: number;
  },
): Promise<ClusterLink> {
  const nc = await connectNats(options.servers, `ringmail node ${host.node}`, START_WAIT_MS);
  let link: ClusterLink | null = null;
  try {
    link = new ClusterLink(nc, host, {
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      downAfterMs: options.downAfterMs ?? DEFAULT_DOWN_AFTER_MS,
    });
    // A server that freezes now would hold the join (and the system's shutdown, which waits
    // for it) until the client's own pings notice, minutes later.
    const started = link.start();
    if (await beforeTimeout(started, START_WAIT_MS) === TIMED_OUT) {
      started.catch(() => {}); // the caller is told below
      // A TimeoutError, as the connect's own: the join's error says the server did not answer,
      // not that none runs there.
      const late = new Error(
        `the NATS server did not confirm this node's subscriptions within ${START_WAIT_MS} ms ` +
          `(is it frozen, or cut off?)`,
      );
      late.name = "TimeoutError";
      throw late;
    }
    return link;
  } catch (error) {
    // Not joined: neither the link's timers nor the connection (and what follows it) are left.
    link?.discard();
    await nc.close().catch((closing) => {
      console.error("ringmail: closing the connection of a cluster not joined failed:", closing);
    });
    throw error;
  }
};
