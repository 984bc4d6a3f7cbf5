/**
 * Teaches the codec to write `ActorRef`s inside messages: slot, generation, reply tag and node.
 * A ref read back sends through the courier of the thread that decodes it (the decode context),
 * so a ref received in any Worker works there at once. Format:
 *
 * ```
 * varuint  slot, generation
 * varuint  tag * 2 + (node !== 0)     a ref of this process (node 0) costs no byte for its node
 * varuint  node                       if the low bit above is set
 * ```
 *
 * In a cluster, a ref of this process is written with this process's node id (the courier's
 * `node`), so that it names the same actor on any node it reaches; read back on its own node, it
 * is node 0 again.
 *
 * @module
 */

import { CodecError, type RefCodec, setRefCodec } from "../codec/mod.ts";
import { ActorRef, type Courier } from "../actor/mod.ts";

/** How `ActorRef`s are written and read (see the module doc). */
export const actorRefCodec: RefCodec<ActorRef<unknown>> = {
  refClass: ActorRef,
  write(writer, ref, context) {
    if (ref.courier !== context) {
      throw new CodecError(
        `${ref} belongs to another actor system than the one this message is sent in; ` +
          `refs only work within their own system`,
      );
    }
    writer.varuint(ref.slot);
    writer.varuint(ref.generation);
    // Tags stay below 2^31, so the doubled tag stays a small 32-bit number.
    // A context without a node (no courier, or a system of one process) writes node 0.
    const node = ref.node !== 0 ? ref.node : (context as Partial<Courier> | undefined)?.node ?? 0;
    if (node === 0) {
      writer.varuint(ref.tag * 2);
    } else {
      writer.varuint(ref.tag * 2 + 1);
      writer.varuint(node);
    }
  },
  read(reader, context) {
    const slot = reader.varuint();
    const generation = reader.varuint();
    const tagAndNode = reader.varuint();
    // Not `>>> 1`: forged bytes may hold more than 32 bits.
    const tag = Math.floor(tagAndNode / 2);
    const courier = context as Courier;
    let node = tagAndNode % 2 === 0 ? 0 : reader.varuint();
    if (node === courier.node) node = 0;
    return new ActorRef(slot, generation, tag, courier, node);
  },
};

let installed = false;

/** Installs the ActorRef codec in this thread (once; later calls do nothing). */
export function installRefCodec(): void {
  if (installed) return;
  installed = true;
  setRefCodec(actorRefCodec);
}
