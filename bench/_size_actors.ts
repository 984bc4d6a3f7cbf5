/** Actors of bench/size_bench.ts: one sends chunks of bytes, the other counts them. */
import { Actor, type ActorRef, handles, message } from "../actor.ts";

/** One message of the sweep: its bytes are its size (the codec adds a few bytes of framing). */
@message()
export class Chunk {
  constructor(readonly bytes: Uint8Array = new Uint8Array(0)) {}
}

/** Asks a ChunkSink to answer "done" once `expected` chunks have arrived. */
@message()
export class ExpectChunks {
  constructor(readonly expected = 0) {}
}

/** Counts chunks, touching each one's first byte as a reader would. */
export class ChunkSink extends Actor<Chunk | ExpectChunks> {
  static readonly module = import.meta.url;
  #count = 0;
  #expected = 0;
  #caller: ActorRef | null = null;

  @handles(ExpectChunks)
  onExpect(expect: ExpectChunks, sender: ActorRef | null) {
    this.#count = 0;
    this.#expected = expect.expected;
    this.#caller = sender;
  }

  @handles(Chunk)
  onChunk(chunk: Chunk) {
    if (chunk.bytes[0] !== 7) throw new Error("size bench: a chunk arrived with other bytes");
    if (++this.#count === this.#expected) this.#caller?.send("done");
  }
}

/** Sends `count` chunks of `size` bytes to `sink`. */
@message()
export class SendChunks {
  constructor(
    readonly sink: ActorRef<Chunk> | null = null,
    readonly count = 0,
    readonly size = 0,
  ) {}
}

export class ChunkSource extends Actor<SendChunks> {
  static readonly module = import.meta.url;
  @handles(SendChunks)
  onSendChunks(order: SendChunks) {
    // One chunk, sent `count` times: each send encodes it into the sink's mailbox afresh, as
    // postMessage's baseline clones one Uint8Array afresh each time.
    const chunk = new Chunk(new Uint8Array(order.size).fill(7));
    for (let i = 0; i < order.count; i++) order.sink!.send(chunk);
  }
}
