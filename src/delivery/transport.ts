/**
 * The `Transport` seam: where the courier hands a record that leaves this thread. The courier
 * decides everything about a send — which actor, whether it goes as local mail, what a full
 * destination means (see DeliveryPolicy), what waits in a backlog — and then asks its transport
 * to move the bytes. A transport knows only its destinations and how to put a record there.
 *
 * The first implementation is shared memory (`shared_memory/transport.ts`): a destination is a
 * mailbox ring in the arena. A courier has one transport: a record for an actor of another node
 * goes through it too, into the outbox ring that the system's thread sends on (outbox.ts). A
 * transport of another kind would have destinations of its own type.
 *
 * To add one: implement this interface in a folder of its own, and hand it to the courier
 * (`CourierOptions.transport`). A transport that wraps another (to record, count or delay what
 * crosses) passes every call on.
 *
 * @module
 */

import type { Writer } from "../codec/mod.ts";

/**
 * Moves records to destinations of type `D`. Every method throws `MailboxClosedError` when the
 * destination takes nothing more (its actor stopped); a record too large for it throws
 * `MessageTooLargeError`.
 */
export interface Transport<D> {
  /**
   * Puts the record (the writer's bytes from its start) into `to` now, if it has room.
   * @returns false when it has none: nothing was sent.
   */
  offer(to: D, record: Writer): boolean;
  /** Puts `bytes[start, end)` into `to` now, if it has room (a record that waited). */
  offerBytes(to: D, bytes: Uint8Array, start?: number, end?: number): boolean;
  /**
   * Puts the record into `to`, blocking this thread up to `timeoutMs` for room. `giveUp`, asked
   * now and then while it waits, may end the wait early (only this very thread could now make
   * room: the actor of `to` was placed on it meanwhile).
   * @returns true once sent; false when `giveUp` ended the wait: nothing was sent.
   * @throws {MailboxFullError} when no room came in time.
   */
  sendWaiting(to: D, record: Writer, timeoutMs: number, giveUp?: () => boolean): boolean;
  /**
   * Puts `bytes[start, end)` (a record that waited) into `to`, blocking this thread up to
   * `timeoutMs` for room; `giveUp` as for {@link sendWaiting}.
   * @returns true once sent; false when `giveUp` ended the wait: nothing was sent.
   * @throws {MailboxFullError} when no room came in time.
   */
  sendBytesWaiting(
    to: D,
    bytes: Uint8Array,
    start: number,
    end: number,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): boolean;
  /**
   * Resolves once `to` may have room for a record of `length` bytes, without blocking this thread
   * and without sending: the caller keeps its records and offers them itself
   * ({@link offerBytes}), as room comes and whenever else it looks (another sender may take the
   * room first). Rejects with `MailboxFullError` when no room came within `timeoutMs` (Infinity:
   * waits as long as it takes) or `signal` aborted.
   */
  whenRoom(
    to: D,
    length: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void>;
}
