/**
 * When an actor ends, whoever asks: the system's registry hears of this process's actors, the
 * cluster of other nodes' (see SystemCluster.whenEnded).
 *
 * @module
 */

import type { ActorRef, Terminated } from "../actor/mod.ts";
import type { SystemParts } from "./system_parts.ts";

/**
 * Resolves with its `Terminated` when the actor `ref` names ends: one of this process (a child
 * whose Worker has not told this thread of it yet once it has, since it has not begun, let alone
 * ended), or one of another node. Once `signal` aborts, a wait on an actor of this process is
 * forgotten (see Registry.whenEnded).
 */
export function whenActorEnds(
  parts: SystemParts,
  ref: ActorRef<unknown>,
  signal?: AbortSignal,
): Promise<Terminated> {
  if (ref.node !== 0) return parts.cluster.whenEnded(ref, signal);
  const { registry, spawner } = parts;
  if (spawner.unannounced(ref)) {
    return registry.whenAnnounced(ref).then(() => registry.whenEnded(ref, signal));
  }
  return registry.whenEnded(ref, signal);
}
