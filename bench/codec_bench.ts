/**
 * Codec round trips: encode, then decode, for six message shapes, against `structuredClone`
 * (what `postMessage` uses; the baseline of every group), msgpackr (`pack`/`unpack`, and a
 * `Packr` with records, which writes each object shape once per message like ringmail does) and
 * JSON (stringify + TextEncoder, TextDecoder + parse).
 *
 * The ringmail case does what a send and a receive do: encode into the thread's reused scratch
 * writer, copy the bytes into a SharedArrayBuffer (as the mailbox ring holds them), and decode
 * from that shared view into fresh values. The other cases do not pay for the copy.
 *
 * Run: deno bench --config bench/deno.json --allow-read --allow-env bench/codec_bench.ts
 * (CODEC_BENCH_SHAPES=tiny,small,medium,records,string,bytes selects groups.)
 *
 * @module
 */

// A benchmark-only dependency (deno.json maps it; the library itself has none).
import { pack, Packr, unpack } from "msgpackr";
import { message, Reader, registerMessage, setRefCodec, Writer } from "../src/codec/mod.ts";

// ---- the shapes -----------------------------------------------------------------------------

/** A stand-in for the actor layer's ActorRef: a mailbox slot and a generation. */
class BenchRef {
  constructor(readonly slot: number, readonly generation: number) {}
}
setRefCodec({
  refClass: BenchRef,
  write(writer, ref) {
    writer.varuint(ref.slot);
    writer.varuint(ref.generation);
  },
  read(reader) {
    return new BenchRef(reader.varuint(), reader.varuint());
  },
});

/** The tiny shape: a registered class with no fields. */
@message("bench/Tick")
class Tick {}

/** The small shape: a registered class with an int and a ref. */
class Deposit {
  constructor(public n: number = 0, public ref: BenchRef | null = null) {}
}
registerMessage(Deposit, "bench/Deposit");

const tiny = new Tick();
const small = new Deposit(42, new BenchRef(7, 1));
const medium = {
  id: 123456,
  name: "Ada Lovelace",
  email: "ada@example.com",
  active: true,
  score: 98.25,
  ratio: 0.3183098861837907,
  tags: ["admin", "ops"],
  createdAt: 1732480000000,
  parent: null,
  address: { city: "London", zip: "N1" },
};
const records = Array.from({ length: 100 }, (_, i) => ({
  id: i,
  name: "user" + i,
  score: i * 1.5,
}));
const LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ";
const string1k = LOREM.repeat(Math.ceil(1024 / LOREM.length)).slice(0, 1024);
const bytes4k = new Uint8Array(4096);
for (let i = 0, x = 12345; i < bytes4k.length; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  bytes4k[i] = x >>> 24;
}

const ALL_SHAPES: ReadonlyArray<[string, string, unknown]> = [
  ["tiny", "tiny class (no fields)", tiny],
  ["small", "small class (int + ref)", small],
  ["medium", "medium object (10 mixed fields)", medium],
  ["records", "100 {id, name, score} records", records],
  ["string", "1 KiB string", string1k],
  ["bytes", "4 KiB Uint8Array", bytes4k],
];
/** CODEC_BENCH_SHAPES=tiny,records runs only those groups (while iterating). */
const only = Deno.env.get("CODEC_BENCH_SHAPES")?.split(",");
const SHAPES: ReadonlyArray<[string, unknown]> = ALL_SHAPES
  .filter(([key]) => only === undefined || only.includes(key))
  .map(([, name, v]) => [name, v]);

// ---- the codecs -----------------------------------------------------------------------------

const writer = new Writer();
const reader = new Reader();
const ring = new Uint8Array(new SharedArrayBuffer(1 << 16));

function ringmailRoundTrip(v: unknown): unknown {
  writer.reset();
  writer.value(v);
  const n = writer.copyTo(ring, 0);
  reader.reset(ring, 0, n);
  return reader.value();
}

function ringmailSize(v: unknown): number {
  writer.reset();
  writer.value(v);
  return writer.length;
}

const packr = new Packr();
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function jsonBytes(v: unknown): Uint8Array {
  return textEncoder.encode(JSON.stringify(v));
}

// ---- sizes, printed once --------------------------------------------------------------------

const rows = SHAPES.map(([name, v]) => ({
  shape: name,
  ringmail: ringmailSize(v),
  "msgpackr pack": pack(v).length,
  "msgpackr Packr (records)": packr.pack(v).length,
  JSON: jsonBytes(v).length,
}));
console.log(
  "encoded sizes in bytes (ringmail: the body, without the per-frame version byte)",
);
console.table(rows);

// A sanity check that the measured round trips are real ones.
for (const [name, v] of SHAPES) {
  const back = ringmailRoundTrip(v);
  if (Deno.inspect(back, { depth: 5 }) !== Deno.inspect(v, { depth: 5 })) {
    throw new Error(`ringmail round trip of ${name} differs`);
  }
}

// ---- the benchmarks -------------------------------------------------------------------------

let sink: unknown;

for (const [group, v] of SHAPES) {
  // Deno's structuredClone returns a primitive string as it is, without serializing it, while
  // postMessage does serialize: for the string shape the baseline wraps it so it is serialized.
  const primitive = typeof v === "string";
  Deno.bench({
    name: primitive ? "structuredClone([s]) (serializes, as postMessage does)" : "structuredClone",
    group,
    baseline: true,
    fn: primitive
      ? () => {
        sink = structuredClone([v])[0];
      }
      : () => {
        sink = structuredClone(v);
      },
  });
  if (primitive) {
    Deno.bench({
      name: "structuredClone(s) (returns the string as is: measures nothing)",
      group,
      fn() {
        sink = structuredClone(v);
      },
    });
  }
  Deno.bench({
    name: "msgpackr pack/unpack",
    group,
    fn() {
      sink = unpack(pack(v));
    },
  });
  Deno.bench({
    name: "msgpackr Packr (records)",
    group,
    fn() {
      sink = packr.unpack(packr.pack(v));
    },
  });
  Deno.bench({
    name: "JSON",
    group,
    fn() {
      sink = JSON.parse(textDecoder.decode(jsonBytes(v)));
    },
  });
  Deno.bench({
    name: "ringmail (scratch -> SAB -> decode)",
    group,
    fn() {
      sink = ringmailRoundTrip(v);
    },
  });
}

globalThis.addEventListener("unload", () => {
  if (sink === Symbol.for("never")) console.log(sink);
});
