/**
 * The outbox: the one mailbox through which every thread of a process sends to actors of other
 * nodes of its cluster. Its receiver is the cluster link on the system's own thread, which reads
 * the records, batches them per node and puts them on the network — so a Worker never needs a
 * network connection of its own, and one sender's messages to another node keep their order.
 * An ordinary mailbox ring (see src/ring/mailbox.ts for its layout): a full outbox is a full
 * mailbox, and its policy decides.
 *
 * A record in the outbox:
 *
 * ```
 * u32      the target's node id (little-endian)
 * ...      the record as it will stand in the target's mailbox: envelope (its sender named with
 *          this process's node id) and message
 * ```
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { Writer } from "../codec/mod.ts";
import { writeEnvelope } from "./envelope.ts";
import type { TraceContext } from "./tracing.ts";

/** Bytes before the record proper: the target's node. */
export const OUTBOX_HEAD_BYTES = 4;

/** Writes an outbox record for `target` (of node `target.node`) into a reset writer. */
export function writeOutboxRecord(
  writer: Writer,
  target: ActorRef<unknown>,
  sender: ActorRef<unknown> | null,
  deadline: number,
  here: number,
  message: unknown,
  trace: TraceContext | null = null,
): void {
  writer.u32(target.node);
  writeEnvelope(writer, target, sender, deadline, here, trace);
  // The other node's classes may be of another version: each class value says its layout.
  writer.checkLayouts = true;
  try {
    writer.value(message);
  } finally {
    writer.checkLayouts = false;
  }
}

/** The target node of the outbox record that starts at `bytes[start]`. */
export function outboxNode(bytes: Uint8Array, start: number): number {
  return (bytes[start] | bytes[start + 1] << 8 | bytes[start + 2] << 16 |
    bytes[start + 3] << 24) >>>
    0;
}
