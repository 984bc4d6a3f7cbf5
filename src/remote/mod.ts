/**
 * Remote actors over NATS: the cluster link and what it is made of. Loaded on demand by a
 * system made with a `cluster` option (see src/system/cluster.ts); nothing here is loaded
 * otherwise.
 *
 * @module
 */

import { ClusterLink, type LinkHost } from "./link.ts";
import { connectNats } from "./nats.ts";

export { ClusterLink, type LinkHost } from "./link.ts";
export { NameNotFoundError, NameTakenError } from "./errors.ts";

/** How often nodes are pinged and when one counts as down, unless the options say otherwise. */
const DEFAULT_PING_INTERVAL_MS = 100;
const DEFAULT_DOWN_AFTER_MS = 1500;

/** Connects to NATS and starts the node's link. */
export async function joinCluster(
  host: LinkHost,
  options: {
    servers: string | string[];
    pingIntervalMs?: number;
    downAfterMs?: number;
  },
): Promise<ClusterLink> {
  const nc = await connectNats(options.servers, `ringmail node ${host.node}`);
  let link: ClusterLink | null = null;
  try {
    link = new ClusterLink(nc, host, {
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      downAfterMs: options.downAfterMs ?? DEFAULT_DOWN_AFTER_MS,
    });
    await link.start();
    return link;
  } catch (error) {
    // Not joined: neither the link's timers nor the connection (and what follows it) are left.
    link?.discard();
    await nc.close().catch((closing) => {
      console.error("ringmail: closing the connection of a cluster not joined failed:", closing);
    });
    throw error;
  }
}
