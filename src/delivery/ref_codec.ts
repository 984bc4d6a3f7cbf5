/**
 * Teaches the codec to write `ActorRef`s inside messages: slot, generation and reply tag. A ref
 * read back sends through the courier of the thread that decodes it (the decode context), so a
 * ref received in any Worker works there at once.
 *
 * @module
 */

import { CodecError, setRefCodec } from "../codec/mod.ts";
import { ActorRef, type Courier } from "../actor/actor_ref.ts";

let installed = false;

/** Installs the ActorRef codec in this thread (once; later calls do nothing). */
export function installRefCodec(): void {
  if (installed) return;
  installed = true;
  setRefCodec<ActorRef<unknown>>({
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
      writer.varuint(ref.tag);
    },
    read(reader, context) {
      return new ActorRef(reader.varuint(), reader.varuint(), reader.varuint(), context as Courier);
    },
  });
}
