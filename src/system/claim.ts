/**
 * Claiming what a new actor (or a Worker's agent, or the guardian) lives in: a mailbox from the
 * pool and a slot in the directory that names it, with the actor's name, which any thread then
 * reads from the directory (see slot_names.ts). One rule for every thread that claims — the
 * system's spawner and an actor's Worker spawning a child: whatever fails before the claim is
 * in use gives both back, so a failed spawn leaves nothing taken.
 *
 * @module
 */

import type { Mailbox } from "../ring/mod.ts";
import type { Directory } from "../delivery/mod.ts";
import type { MailboxPool } from "./mailbox_pool.ts";

/** A claimed slot and mailbox. */
export interface Claim {
  readonly mailbox: Mailbox;
  readonly slot: number;
  readonly generation: number;
}

/** Where claims come from: one system's mailbox pool and directory, on this thread. */
export interface ClaimSource {
  readonly pool: MailboxPool;
  readonly directory: Directory;
}

/**
 * Claims a mailbox of `capacity` bytes and a slot owned by thread `owner` (0: none yet) for an
 * actor called `name`, and passes them to `use`; if taking the slot, naming it or `use` throws,
 * both go back before the error does. Only what cannot fail once the claim is used belongs
 * after it.
 * @returns what `use` returns.
 * @throws {ArenaFullError} when no mailbox or slot is left, or no room for the name; whatever
 * `use` throws.
 */
export function withClaim<T>(
  source: ClaimSource,
  capacity: number,
  owner: number,
  name: string,
  use: (claim: Claim) => T,
): T {
  const { pool, directory } = source;
  const mailbox = pool.acquire({ capacity });
  // Slot 0 is never allocated: it means "none taken yet".
  let slot = 0;
  try {
    slot = directory.allocate(mailbox.offset, owner);
    const generation = directory.generation(slot);
    // Before the ref exists: every thread names the actor from its first message on.
    directory.names.write(slot, generation, name);
    return use({ mailbox, slot, generation });
  } catch (error) {
    if (slot !== 0) directory.free(slot);
    mailbox.close();
    pool.release(mailbox);
    throw error;
  }
}

/**
 * The send timeout written into the mailboxes of the system's own actors (the guardian, each
 * Worker's agent): a report or an order to them must never be lost to a full mailbox.
 */
export const FOREVER_MS = 0x7fff_ffff;

/** What each Worker's agent is called, by its Worker's cell and by every other thread. */
export const AGENT_NAME = "worker agent";
