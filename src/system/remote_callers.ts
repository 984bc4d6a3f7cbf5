/**
 * An actor's callers on other nodes (see ActorRecord.remoteCallers): a flat array of reply
 * addresses, four numbers each — node, slot, generation and the last reply tag delivered — so that
 * its node can tell each calling node which calls it took when it loses its Worker (CallsLost).
 * Slot 0, no actor's, stands for every address of its node.
 *
 * @module
 */

/**
 * The most reply addresses an actor keeps the last tag of (see ActorRecord.remoteCallers): past
 * them (a program that makes a Bridge per request, say), a node's are kept as one, which says
 * that all its calls the actor took are lost, as CallsLost said before it named calls.
 */
const MOST_CALLER_ADDRESSES = 16;

/**
 * The most numbers a CallsLost carries: three for each address an actor keeps, and for the
 * address that stands for all of a node's. A node receiving more was sent a forged or corrupted
 * one (see ClusterLink's control messages).
 */
export const MOST_CALLS_LOST_NUMBERS = 3 * (MOST_CALLER_ADDRESSES + 1);

/** Notes in `callers` that a call of reply address `replySlot`.`replyGeneration` of `from` came. */
export function noteCaller(
  callers: number[],
  from: number,
  replySlot: number,
  replyGeneration: number,
  tag: number,
): void {
  for (let i = 0; i < callers.length; i += 4) {
    if (callers[i] !== from) continue;
    if (callers[i + 1] === 0) return; // every call of that node counts (see below)
    if (callers[i + 1] === replySlot && callers[i + 2] === replyGeneration) {
      // Records from one node come in order: the last tag is the latest.
      callers[i + 3] = tag;
      return;
    }
  }
  if (callers.length < 4 * MOST_CALLER_ADDRESSES) {
    callers.push(from, replySlot, replyGeneration, tag);
    return;
  }
  forgetCallersOf(callers, from);
  callers.push(from, 0, 0, 0); // slot 0 is no actor's: any address of that node
}

/** Forgets in `callers` every address of node `node` (it went down, or is kept as one). */
export function forgetCallersOf(callers: number[], node: number): void {
  for (let i = callers.length - 4; i >= 0; i -= 4) {
    if (callers[i] === node) callers.splice(i, 4);
  }
}

/** How many reply addresses `callers` holds. */
export function callerCount(callers: readonly number[] | null): number {
  return (callers?.length ?? 0) / 4;
}
