/**
 * A node that was itself stalled (SIGSTOP, then SIGCONT; or starved of CPU) while a ping was out
 * must not take the silence it measured for the other node's: the ping's timeout fires first on
 * resume, before the answer waiting in the socket is read. It asks again; the answer then tells
 * the truth (there, or that the other node found this one down meanwhile).
 */
import assert from "node:assert/strict";
import { Peers, type PingResult } from "../../src/remote/peers.ts";
import { eventually } from "../_system.ts";

const TIMING = { pingIntervalMs: 20, downAfterMs: 150 };

/** Blocks this thread for `ms`: what a SIGSTOP of the whole process looks like to its timers. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* stalled */ }
}

/**
 * Peers pinging one node (7) whose first ping comes back "silent" only after this thread stalled
 * for longer than downAfterMs; later pings are answered with `later`.
 */
function stalledOnce(later: PingResult) {
  let pings = 0;
  const peers = new Peers(TIMING, (_node, _timeoutMs) => {
    pings++;
    if (pings === 1) {
      return new Promise((resolve) =>
        setTimeout(() => {
          stall(TIMING.downAfterMs * 2);
          resolve("silent");
        }, 1)
      );
    }
    return Promise.resolve(later);
  });
  const downs: string[] = [];
  peers.onDown((_node, reason) => downs.push(reason));
  return { peers, downs, pings: () => pings };
}

Deno.test("peers: silence measured across this node's own stall does not down the other node: it is asked again", async () => {
  const { peers, downs, pings } = stalledOnce("answered");
  try {
    peers.watch(7);
    await eventually(() => pings() >= 3 || downs.length > 0, "pinged again", 5_000);
    assert.deepEqual(downs, [], "the other node was downed for this node's own stall");
    assert.equal(peers.downReason(7), undefined);
  } finally {
    peers.close();
  }
});

Deno.test("peers: a node stalled while it was found down learns so at its next ping, rather than finding the other down", async () => {
  const { peers, pings } = stalledOnce("found-down");
  try {
    peers.watch(7);
    await eventually(() => pings() >= 2 || peers.downReason(7) !== undefined, "pinged", 5_000);
    await eventually(() => peers.downReason(7) !== undefined, "the other node is down", 5_000);
    assert.ok(peers.foundDown !== undefined, `it never learnt: ${peers.downReason(7)}`);
  } finally {
    peers.close();
  }
});

Deno.test("peers: a node whose every ping stalls still finds a silent node down, within a bounded number of pings", async () => {
  // This node's loop lags past twice the ping's timeout at every ping (a main thread busy with
  // long synchronous work), and the other node is frozen: each ping comes back "silent" late.
  // The lag must not excuse the silence for good: the frozen node's calls would never fail.
  let pings = 0;
  let out: Promise<unknown> = Promise.resolve();
  const peers = new Peers(TIMING, (_node, timeoutMs) => {
    pings++;
    const ping = new Promise<PingResult>((resolve) =>
      setTimeout(() => {
        stall(timeoutMs * 2.5);
        resolve("silent");
      }, 1)
    );
    out = ping;
    return ping;
  });
  try {
    peers.watch(7);
    await eventually(() => peers.downReason(7) !== undefined, "the frozen node is down", 5_000);
    assert.ok(pings <= 8, `${pings} pings before it was found down`);
  } finally {
    peers.close();
    await out;
  }
});
