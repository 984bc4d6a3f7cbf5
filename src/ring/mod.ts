/**
 * The ring layer: the arena (one growable SharedArrayBuffer), many-producer mailboxes in it, and
 * doorbells that let a receiving thread sleep. Knows nothing of the codec, actors or workers.
 *
 * @module
 */

export { Arena, ARENA_MAX_LIMIT, ARENA_USER_WORD, type ArenaOptions, type Flag } from "./arena.ts";
export { FreeStacks } from "./free_stacks.ts";
export { holdRings, ringHeld } from "./held_rings.ts";
export {
  AWAKE,
  Doorbell,
  DOORBELL_BYTES,
  NEXT_WORD,
  PARKED,
  pushReady,
  ringBell,
} from "./doorbell.ts";
export {
  type BindOptions,
  CLOSED_AND_DRAINED,
  EMPTY,
  HELD_COUNTS,
  Mailbox,
  MAILBOX_HEADER_BYTES,
  MAILBOX_STATS,
  MAILBOX_USER_WORD,
  type MailboxOptions,
  MAX_CAPACITY,
  MAX_MESSAGE,
  MIN_CAPACITY,
  type ReceiveOptions,
  RECORD_HEADER_BYTES,
  recordBytes,
  type SendOptions,
} from "./mailbox.ts";
export { MailboxTable } from "./mailbox_table.ts";
export {
  ArenaFullError,
  MailboxClosedError,
  MailboxFullError,
  MessageTooLargeError,
} from "./errors.ts";
export { type SpinOptions, SpinPolicy } from "./spin_policy.ts";
export { waitWordAsync } from "./wait.ts";
