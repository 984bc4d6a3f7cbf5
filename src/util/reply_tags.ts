/**
 * Reply tags (a Bridge's calls, a Worker's asks) are positive 31-bit numbers, each new one the next
 * free one after the last, wrapping around after 2^31: compared as serial numbers, never as plain
 * ones, so that the first tags after a wrap still count as later.
 *
 * @module
 */

/** Whether reply tag `tag` was given out no later than `upTo` (fewer than 2^30 apart). */
export function tagAtMost(tag: number, upTo: number): boolean {
  return ((upTo - tag) & 0x7fff_ffff) < 0x4000_0000;
}
