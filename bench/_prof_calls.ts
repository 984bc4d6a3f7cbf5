/**
 * A profiling driver (not a bench): Bridge calls from the main thread, timed round by round, so
 * that the warm-up (V8 compiling the call path as it runs) and the steady state are seen apart.
 * A bench's mean over its first hundred rounds is mostly warm-up; this prints both.
 *
 * - `fanout`: one multiCall of 10,000 requests to two actors of a 2-Worker pool (1 KiB mailboxes,
 *   the pool's default: most requests wait in backlogs); `fanout64`: the same with 64 KiB ones.
 * - `inflight`: 4 rounds of 256 `bridge.call`s in flight (Promise.all) to an actor of its own;
 *   `multi`: the same by one `multiCall` a round.
 * - `sequential`: 1,000 calls one after another to an actor of its own.
 *
 *   deno run -A bench/_prof_calls.ts fanout 300
 *   deno run -A --cpu-prof --cpu-prof-dir=/tmp/prof bench/_prof_calls.ts inflight 3000
 */
import { type ActorRef, ActorSystem, Bridge } from "../mod.ts";
import { Echo, Ping } from "./_pingpong_actors.ts";

const mode = Deno.args[0] ?? "fanout";
const rounds = Number(Deno.args[1] ?? 300);
/** Rounds 10 to 110 are what a bench's mean covers (10 warm-up rounds, 100 measured). */
const WINDOW = [10, 110] as const;
if (!Number.isInteger(rounds) || rounds < WINDOW[1]) {
  throw new RangeError(
    `rounds must be an integer of at least ${WINDOW[1]}, got ${Deno.args[1]}`,
  );
}
const FAN_OUT = 10_000;
const IN_FLIGHT = 256;
const SEQUENTIAL = 1_000;
const OPTIONS = { timeout: 10_000 };

const system = new ActorSystem();
const bridge = new Bridge(system);
const pool = system.createPool({ workers: 2 });
const targets: ActorRef<Ping>[] = mode === "fanout"
  ? [pool.spawn(Echo), pool.spawn(Echo)]
  : mode === "fanout64"
  ? [0, 1].map(() => pool.spawnWith(Echo, { mailboxCapacity: 1 << 16 }))
  : [system.spawn(Echo)];
await Promise.all(targets.map((ref) => system.started(ref)));

async function round(): Promise<void> {
  if (mode === "fanout" || mode === "fanout64") {
    const requests = Array.from(
      { length: FAN_OUT },
      (_, i) => [targets[i & 1], new Ping(i)] as const,
    );
    for await (const { error } of bridge.multiCall(requests, OPTIONS)) {
      if (error) throw error;
    }
  } else if (mode === "inflight") {
    for (let i = 0; i < 4; i++) {
      await Promise.all(
        Array.from(
          { length: IN_FLIGHT },
          (_, j) => bridge.call(targets[0], new Ping(j), OPTIONS),
        ),
      );
    }
  } else if (mode === "multi") {
    for (let i = 0; i < 4; i++) {
      const requests = Array.from(
        { length: IN_FLIGHT },
        (_, j) => [targets[0], new Ping(j)] as const,
      );
      for await (const { error } of bridge.multiCall(requests, OPTIONS)) {
        if (error) throw error;
      }
    }
  } else if (mode === "sequential") {
    for (let i = 0; i < SEQUENTIAL; i++) {
      await bridge.call(targets[0], new Ping(i), OPTIONS);
    }
  } else {throw new TypeError(
      `unknown mode ${mode}: fanout, fanout64, inflight, multi or sequential`,
    );}
}

const times: number[] = [];
for (let i = 0; i < rounds; i++) {
  const started = performance.now();
  await round();
  times.push(performance.now() - started);
}
const mean = (values: number[]) => values.reduce((sum, t) => sum + t, 0) / values.length;
const late = times.slice(rounds >> 1).sort((a, b) => a - b);
const at = (share: number) => late[Math.floor(late.length * share)].toFixed(2);
console.log(
  `${mode}: ms a round — rounds 10 to 110 (a bench's window): mean ${
    mean(times.slice(...WINDOW)).toFixed(2)
  }; second half of ${rounds}: median ${at(0.5)} (p10 ${at(0.1)}, p90 ${at(0.9)})`,
);
bridge.close();
await system.shutdown();
