/**
 * The shared-memory transport: a destination is a mailbox ring in the arena that every thread of
 * the process maps (see src/ring/mailbox.ts for its layout and who writes each word). Putting a
 * record there is a reservation (a compare-and-swap on the write cursor), a copy, and a commit
 * that wakes the receiver only if it sleeps.
 *
 * @module
 */

import type { Writer } from "../../codec/mod.ts";
import type { Mailbox } from "../../ring/mod.ts";
import type { Transport } from "../transport.ts";

/** Records into mailbox rings of this process's arena. */
export class SharedMemoryTransport implements Transport<Mailbox> {
  offer(to: Mailbox, record: Writer): boolean {
    const at = to.reserve(record.length);
    if (at < 0) return false;
    record.copyTo(to.bytes, at);
    to.commit();
    return true;
  }

  offerBytes(
    to: Mailbox,
    bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ): boolean {
    return to.trySend(bytes, start, end);
  }

  sendWaiting(
    to: Mailbox,
    record: Writer,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): boolean {
    const view = record.view();
    return to.send(view, timeoutMs, 0, view.length, giveUp);
  }

  sendBytesWaiting(
    to: Mailbox,
    bytes: Uint8Array,
    start: number,
    end: number,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): boolean {
    return to.send(bytes, timeoutMs, start, end, giveUp);
  }

  whenRoom(
    to: Mailbox,
    length: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    return to.waitForRoomAsync(length, { timeout: timeoutMs, signal });
  }
}
