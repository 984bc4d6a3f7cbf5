/**
 * The envelope: what precedes a message's codec bytes in a mailbox record. It says which actor
 * the record is for, who sent it, the reply tags that correlate Bridge calls with their answers,
 * and the message's deadline. Format (docs/codec.md has the codec's part):
 *
 * ```
 * u8       (codec version << 4) | flags      flags: 1 sender, 2 target tag, 4 sender tag or
 *                                                   node, 8 deadline, 0x80 trace (the version
 *                                                   takes bits 4-6: versions 1-7)
 * varuint  target slot, target generation    the receiver drops records not for its actor
 *                                            (a sender holding a ref from before a mailbox
 *                                            was recycled): they become dead letters
 * varuint  target tag                        if flag 2: the reply tag of the target ref
 * varuint  sender slot, sender generation    if flag 1
 * varuint  sender tag * 2 + (has a node)     if flag 4
 * varuint  sender node                       if that low bit is set: the sender lives in another
 *                                            process of the cluster (its node id, never 0)
 * f64      deadline, ms since the epoch      if flag 8 (positive and finite: another is refused)
 * 25 bytes trace context                     if flag 0x80: trace id (16), span id (8), flags
 *                                            (1), written only by a thread that traces
 *                                            (see tracing.ts); others write none
 * ...      the message (codec body)
 * ```
 *
 * @module
 */

import { checkVersion, CODEC_VERSION, type Reader, type Writer } from "../codec/mod.ts";
import { ActorRef, type Courier } from "../actor/mod.ts";
import { putTrace, readTrace, TRACE_BYTES, type TraceContext } from "./tracing.ts";

const HAS_SENDER = 1;
const HAS_TARGET_TAG = 2;
const HAS_SENDER_TAG = 4;
const HAS_DEADLINE = 8;
/** The high bit of the head byte: the codec version (at most 7) takes bits 4-6. */
const HAS_TRACE = 0x80;
const VERSION_BITS = 7;

/**
 * The most bytes an envelope takes: a head byte, six varuints of up to 5 bytes, an f64 (a trace
 * context ensures its own room).
 */
const MAX_ENVELOPE_BYTES = 1 + 6 * 5 + 8;

/** Writes `v` (below 2^35) as a varuint at `b[p]`; returns the offset after it. */
function putVarUint(b: Uint8Array, p: number, v: number): number {
  while (v > 0x7f) {
    b[p++] = (v & 0x7f) | 0x80;
    v = v >>> 7;
  }
  b[p++] = v;
  return p;
}

/**
 * Writes an envelope for `target` from `sender`; the message body follows. `here` is this
 * process's node id when the record leaves for another node (a sender of this process is then
 * named with it), 0 when it stays in this process. `trace`: the trace context it carries (null:
 * none, and not a byte more).
 */
export function writeEnvelope(
  writer: Writer,
  target: ActorRef<unknown>,
  sender: ActorRef<unknown> | null,
  deadline: number,
  here = 0,
  trace: TraceContext | null = null,
): void {
  let flags = 0;
  let senderNode = 0;
  if (sender !== null) {
    senderNode = sender.node !== 0 ? sender.node : here;
    flags |= sender.tag === 0 && senderNode === 0 ? HAS_SENDER : HAS_SENDER | HAS_SENDER_TAG;
  }
  if (target.tag !== 0) flags |= HAS_TARGET_TAG;
  if (deadline > 0) flags |= HAS_DEADLINE;
  if (trace !== null) flags |= HAS_TRACE;
  // One room check and direct stores: the envelope is on every message's path.
  writer.ensure(MAX_ENVELOPE_BYTES);
  const b = writer.bytes;
  let p = writer.pos;
  b[p++] = (CODEC_VERSION << 4) | flags;
  p = putVarUint(b, p, target.slot);
  p = putVarUint(b, p, target.generation);
  if (target.tag !== 0) p = putVarUint(b, p, target.tag);
  if (sender !== null) {
    p = putVarUint(b, p, sender.slot);
    p = putVarUint(b, p, sender.generation);
    if (sender.tag !== 0 || senderNode !== 0) {
      p = putVarUint(b, p, sender.tag * 2 + (senderNode === 0 ? 0 : 1));
      if (senderNode !== 0) p = putVarUint(b, p, senderNode);
    }
  }
  writer.pos = p;
  if (deadline > 0) writer.f64(deadline);
  if (trace !== null) {
    writer.ensure(TRACE_BYTES);
    writer.pos = putTrace(writer.bytes, writer.pos, trace);
  }
}

/** A decoded envelope; one per thread is reused for every record. */
export class Envelope {
  targetSlot = 0;
  targetGeneration = 0;
  targetTag = 0;
  sender: ActorRef<unknown> | null = null;
  /** Milliseconds since the epoch after which the message must not be handled; 0: none. */
  deadline = 0;
  /** The trace context the message carries (null: none; see tracing.ts). */
  trace: TraceContext | null = null;

  /**
   * Reads the envelope at the reader's position; refs it makes send through `courier`. A sender
   * equal to `cache.lastSender` reuses that ref (refs are immutable): an actor mostly hears from
   * the same senders, and a ref per message is both an allocation and, later, a mailbox lookup.
   * A sender with a reply tag is not cached: the tag is one call's.
   */
  read(reader: Reader, courier: Courier, cache: SenderCache): this {
    // The courier's node id (0 outside a cluster): a sender named with it is of this process.
    const head = reader.u8();
    checkVersion((head >> 4) & VERSION_BITS);
    this.targetSlot = reader.varuint();
    this.targetGeneration = reader.varuint();
    this.targetTag = (head & HAS_TARGET_TAG) !== 0 ? reader.varuint() : 0;
    if ((head & HAS_SENDER) !== 0) {
      const slot = reader.varuint();
      const generation = reader.varuint();
      let tag = 0;
      let node = 0;
      if ((head & HAS_SENDER_TAG) !== 0) {
        const tagAndNode = reader.varuint();
        // Not `>>> 1`: forged bytes may hold more than 32 bits.
        tag = Math.floor(tagAndNode / 2);
        if (tagAndNode % 2 !== 0) {
          node = reader.varuint();
          if (node === courier.node) node = 0;
        }
      }
      const last = cache.lastSender;
      if (
        last !== null && last.slot === slot && last.generation === generation &&
        last.tag === tag &&
        last.node === node && last.courier === courier
      ) {
        this.sender = last;
      } else if (tag !== 0) {
        // A reply address: its tag is one call's, never seen again. Not kept: an actor called
        // once would hold it as long as it lives (88 bytes each of a pool's 100k actors).
        this.sender = new ActorRef(slot, generation, tag, courier, node);
      } else {
        this.sender = cache.lastSender = new ActorRef(
          slot,
          generation,
          tag,
          courier,
          node,
        );
      }
    } else {
      this.sender = null;
    }
    this.deadline = (head & HAS_DEADLINE) !== 0 ? readDeadline(reader) : 0;
    this.trace = (head & HAS_TRACE) !== 0 ? readTraceAt(reader) : null;
    return this;
  }
}

/**
 * Reads a deadline: a positive finite time, as writeEnvelope writes only such (send checks it).
 * Another (NaN, 0, negative, infinite) is corrupt or forged bytes, refused: the ring path took
 * it as late at once (NaN "passed NaN ms" before) and local mail as no deadline at all.
 */
function readDeadline(reader: Reader): number {
  const at = reader.pos;
  const deadline = reader.f64();
  if (!(deadline > 0 && deadline < Infinity)) {
    throw reader.corrupt(`a deadline of ${deadline}`, at);
  }
  return deadline;
}

/** Reads the trace context at the reader's position. */
function readTraceAt(reader: Reader): TraceContext {
  const p = reader.pos;
  if (reader.end - p < TRACE_BYTES) throw reader.truncated(TRACE_BYTES);
  reader.pos = p + TRACE_BYTES;
  return readTrace(reader.bytes, p);
}

/** Where a receiver keeps the last sender it decoded (see {@link Envelope.read}). */
export interface SenderCache {
  lastSender: ActorRef<unknown> | null;
}
