/**
 * Raw NATS on loopback, the baselines ringmail's remote cases are measured against (the same
 * client, the same server, the same run): (a) one-way publish of 32 B messages to a subscriber in
 * another process, counted until that process has received them all; (b) sequential
 * request/reply, 32 B; (c) `request()` with 64 in flight. Each case is alone in its group, marked
 * the baseline, so ringmail's remote cases join those groups.
 *
 * The one-way group also has a limit case, as bench/pingpong_bench.ts has its bare Atomics: what
 * any design that runs actors in Workers could reach here at best, with no actor layer at all. A
 * Worker appends 32 B records (a length byte + payload) to a SharedArrayBuffer byte ring as fast as
 * it can; the main thread copies whole spans of that ring (one `set` a span, never one a record)
 * into ~60 KiB NATS messages and publishes them; in another process the main thread copies each
 * message's bytes into a second ring in bulk, and a Worker there reads each record, then either
 * reads one byte of it (the floor of moving bytes) or copies it into a new Uint8Array (the least
 * that delivering a Uint8Array message costs). It is there so that a target for the actor cases
 * can be judged against what this 2-core machine allows: an actor case cannot beat its limit, and
 * its distance from the limit is the actor layer's cost (bench/_floor_*.ts).
 *
 *   deno bench --config bench/deno.json --allow-read --allow-env --allow-run --allow-net \
 *     bench/remote_bench.ts
 *
 * It starts its own nats-server (tests/remote/_nats_server.ts; `apt-get install -y nats-server`
 * when missing) and second Deno processes as peers (bench/_nats_peer.ts, bench/_floor_peer.ts,
 * bench/_ringmail_peer.ts), and stops them all and its own Workers at the end. This process, the
 * server and the peers are all busy while a case runs: the bench uses both cores of a 2-core
 * machine, so run it with nothing else busy. Rates: messages (or round trips) per iteration
 * divided by the time per iteration deno bench prints.
 */
import { connect } from "@nats-io/transport-node";
import { ActorSystem, Bridge } from "../mod.ts";
import { startNatsServer, withDeadline } from "../tests/remote/_nats_server.ts";
import { Blast, Blaster, Expect, Pinger, Rally, Sample, SampleBlast } from "./_remote_actors.ts";
import { FloorSource } from "./_floor_source.ts";
import { RECORD_PAYLOAD_FILL } from "./_floor_sender.ts";

const ONE_WAY_MESSAGES = 100_000;
const SEQUENTIAL_ROUND_TRIPS = 1_000;
const CONCURRENT_ROUND_TRIPS = 10_000;
const IN_FLIGHT = 64;
const REQUEST_TIMEOUT_MS = 5_000;
const PEER_START_MS = 20_000;
const PAYLOAD = new Uint8Array(32).fill(7);

const server = await startNatsServer();
const nc = await connect({ servers: server.url, reconnect: false });
const peer = await startPeer("./_nats_peer.ts", "bench.peer.ready");
const floorPeer = await startPeer("./_floor_peer.ts", "bench.floor.ready");
const floor = new FloorSource(nc);
globalThis.addEventListener("unload", () => {
  // unload cannot await: signal all by PID; the peers also leave when their stdin closes.
  floor.close();
  peer.kill("SIGTERM");
  floorPeer.kill("SIGTERM");
  server.kill("SIGTERM");
});

/** Starts a NATS peer script; resolves once it says `readySubject` (its subscriptions are set). */
async function startPeer(script: string, readySubject: string): Promise<Deno.ChildProcess> {
  const ready = new Promise<void>((resolve) =>
    nc.subscribe(readySubject, { max: 1, callback: () => resolve() })
  );
  await nc.flush();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      new URL("./deno.json", import.meta.url).pathname,
      "--allow-net=127.0.0.1",
      // Loading a Worker's module is a read: the floor peer starts two from this directory.
      `--allow-read=${new URL(".", import.meta.url).pathname}`,
      new URL(script, import.meta.url).pathname,
      server.url,
      String(ONE_WAY_MESSAGES),
    ],
    stdin: "piped",
  }).spawn();
  if (await withDeadline(ready, PEER_START_MS) === "timeout") {
    child.kill("SIGKILL");
    throw new Error(
      `the NATS peer ${script} did not report ready within ${PEER_START_MS} ms`,
    );
  }
  return child;
}

/** Starts bench/_ringmail_peer.ts and resolves once it has named its actors. */
async function startRingmailPeer(url: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net=127.0.0.1",
      new URL("./_ringmail_peer.ts", import.meta.url).pathname,
      url,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await withDeadline(reader.read(), PEER_START_MS);
  if (first === "timeout" || !first.value?.includes("ready")) {
    child.kill("SIGKILL");
    throw new Error(
      `the ringmail peer did not say ready within ${PEER_START_MS} ms`,
    );
  }
  reader.releaseLock();
  return child;
}

const ringmailPeer = await startRingmailPeer(server.url);
const system = new ActorSystem({
  cluster: { servers: server.url, name: "bench" },
});
const bridge = new Bridge(system);
const tally = await system.lookup<Expect | Uint8Array | Sample>("tally");
const echo = await system.lookup<Uint8Array>("echo");
const blaster = system.spawn(Blaster);
const pingerPool = system.createPool({ workers: 1 });
const pairs = await Promise.all(
  Array.from({ length: IN_FLIGHT }, async (_, i) => ({
    pinger: pingerPool.spawn(Pinger),
    ponger: await system.lookup<number>(`ponger ${i}`),
  })),
);
globalThis.addEventListener("unload", () => ringmailPeer.kill("SIGTERM"));

/** Makes CONCURRENT_ROUND_TRIPS calls of `call`, IN_FLIGHT at a time. */
async function inFlight(call: () => Promise<unknown>): Promise<void> {
  let issued = 0;
  const lane = async () => {
    while (issued < CONCURRENT_ROUND_TRIPS) {
      issued++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
}

let peerReceivedAll: (() => void) | undefined;
nc.subscribe("bench.oneway.done", { callback: () => peerReceivedAll?.() });

// Every case of the one-way group says "one-way" in its name: deno bench's --filter matches
// names, not groups, and `--filter one-way` is how the group is run alone.
Deno.bench({
  name: `raw NATS: publish ${ONE_WAY_MESSAGES} × 32 B one-way, received in another process`,
  group: "one-way 32 B, another process",
  baseline: true,
  n: 20,
  warmup: 3,
  async fn() {
    const received = new Promise<void>((resolve) => peerReceivedAll = resolve);
    for (let i = 0; i < ONE_WAY_MESSAGES; i++) {
      nc.publish("bench.oneway", PAYLOAD);
    }
    if (await withDeadline(received, REQUEST_TIMEOUT_MS) === "timeout") {
      throw new Error(
        "the peer did not receive every message: the server dropped it as slow?",
      );
    }
  },
});

Deno.bench({
  name: `ringmail: send ${ONE_WAY_MESSAGES} × 32 B one-way to an actor of another process`,
  group: "one-way 32 B, another process",
  n: 20,
  warmup: 3,
  async fn() {
    const done = bridge.call(tally, new Expect(ONE_WAY_MESSAGES), {
      timeout: 60_000,
    });
    for (let i = 0; i < ONE_WAY_MESSAGES; i++) tally.send(PAYLOAD);
    await done;
  },
});

/**
 * An actor of this process sends ONE_WAY_MESSAGES to `tally`, in another, as `order` asks it to;
 * resolves once all arrived. Called from an `async fn`: deno bench awaits an async function's
 * result, not a promise that a plain one returns.
 */
async function actorBlast(order: Blast | SampleBlast): Promise<void> {
  const done = bridge.call(tally, new Expect(ONE_WAY_MESSAGES), { timeout: 60_000 });
  await bridge.call(blaster, order, { timeout: 60_000 });
  await done;
}

Deno.bench({
  name:
    `ringmail: an actor sends ${ONE_WAY_MESSAGES} × 32 B one-way to an actor of another process`,
  group: "one-way 32 B, another process",
  n: 20,
  warmup: 3,
  async fn() {
    await actorBlast(new Blast(tally as never, ONE_WAY_MESSAGES, PAYLOAD));
  },
});

// The same with a message of plain numbers: a Uint8Array message costs a new Uint8Array per
// message at the receiver (the limit case that copies each record shows what that allows), a
// Sample's four float64 fields (32 B) only the object that holds them.
Deno.bench({
  name:
    `ringmail: an actor sends ${ONE_WAY_MESSAGES} × 32 B one-way (four number fields) to an actor of another process`,
  group: "one-way 32 B, another process",
  n: 20,
  warmup: 3,
  async fn() {
    const sample = new Sample(0.1, 0.2, 0.3, 0.4);
    await actorBlast(new SampleBlast(tally as never, ONE_WAY_MESSAGES, sample));
  },
});

let floorReceived: ((checksum: number) => void) | undefined;
const FLOOR_WORKS = {
  "read-byte": "reads one byte of each",
  "copy": "copies each into a new Uint8Array",
};
for (const work of Object.keys(FLOOR_WORKS)) {
  nc.subscribe(`bench.floor.${work}.done`, {
    callback: (_error, message) => floorReceived?.(Number(message.string())),
  });
}

for (const [work, what] of Object.entries(FLOOR_WORKS)) {
  Deno.bench({
    name:
      `limit: bare SAB rings + batched raw NATS, no actor layer (Worker -> main -> NATS -> main -> Worker), ${ONE_WAY_MESSAGES} × 32 B one-way, the receiving Worker ${what}`,
    group: "one-way 32 B, another process",
    n: 20,
    warmup: 3,
    async fn() {
      const received = new Promise<number>((resolve) => floorReceived = resolve);
      await floor.send(ONE_WAY_MESSAGES, `bench.floor.${work}`);
      const checksum = await withDeadline(received, REQUEST_TIMEOUT_MS);
      if (checksum === "timeout") {
        throw new Error(
          "the floor peer did not read every record: the server dropped it as slow?",
        );
      }
      // Each record's first payload byte, summed by the receiving Worker: the right bytes came.
      if (checksum !== RECORD_PAYLOAD_FILL * ONE_WAY_MESSAGES) {
        throw new Error(`the floor peer read wrong bytes (checksum ${checksum})`);
      }
    },
  });
}

Deno.bench({
  name: `raw NATS: ${SEQUENTIAL_ROUND_TRIPS} sequential request/reply, 32 B`,
  group: "sequential request/reply 32 B",
  baseline: true,
  n: 10,
  warmup: 2,
  async fn() {
    for (let i = 0; i < SEQUENTIAL_ROUND_TRIPS; i++) {
      await nc.request("bench.echo", PAYLOAD, { timeout: REQUEST_TIMEOUT_MS });
    }
  },
});

Deno.bench({
  name: `ringmail: ${SEQUENTIAL_ROUND_TRIPS} sequential Bridge calls to another process, 32 B`,
  group: "sequential request/reply 32 B",
  n: 10,
  warmup: 2,
  async fn() {
    for (let i = 0; i < SEQUENTIAL_ROUND_TRIPS; i++) {
      await bridge.call(echo, PAYLOAD, { timeout: REQUEST_TIMEOUT_MS });
    }
  },
});

Deno.bench({
  name: `raw NATS: ${CONCURRENT_ROUND_TRIPS} request() with ${IN_FLIGHT} in flight, 32 B`,
  group: `request/reply 32 B, ${IN_FLIGHT} in flight`,
  baseline: true,
  n: 10,
  warmup: 2,
  async fn() {
    await inFlight(() => nc.request("bench.echo", PAYLOAD, { timeout: REQUEST_TIMEOUT_MS }));
  },
});

Deno.bench({
  name: `ringmail: ${CONCURRENT_ROUND_TRIPS} Bridge calls with ${IN_FLIGHT} in flight, 32 B`,
  group: `request/reply 32 B, ${IN_FLIGHT} in flight`,
  n: 10,
  warmup: 2,
  async fn() {
    await inFlight(() => bridge.call(echo, PAYLOAD, { timeout: REQUEST_TIMEOUT_MS }));
  },
});

Deno.bench({
  name:
    `ringmail: ${IN_FLIGHT} pairs of actors ping-pong across processes, ${CONCURRENT_ROUND_TRIPS} round trips`,
  group: `request/reply 32 B, ${IN_FLIGHT} in flight`,
  n: 10,
  warmup: 2,
  async fn() {
    const rounds = CONCURRENT_ROUND_TRIPS / IN_FLIGHT;
    await Promise.all(
      pairs.map(({ pinger, ponger }) =>
        bridge.call(pinger, new Rally(ponger, rounds), { timeout: 60_000 })
      ),
    );
  },
});
