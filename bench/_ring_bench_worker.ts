/// <reference lib="deno.worker" />
/**
 * One side of ring benchmark scenarios, driven by bench/ring_bench.ts. A worker takes several
 * named roles (one per case of a group, so every case of a group runs between the same two
 * workers). Each `run` message makes it play one role `n` times; the side that finishes last
 * posts `"done"`, so the main thread waits for exactly one message per iteration.
 */
import {
  Arena,
  CLOSED_AND_DRAINED,
  Doorbell,
  EMPTY,
  Mailbox,
  ringBell,
  SpinPolicy,
} from "../src/ring/mod.ts";

export type Setup =
  & { name: string }
  & (
    | {
      kind: "ring-send";
      buffer: SharedArrayBuffer;
      target: number;
      size: number;
      /** Payload sizes to send in turn (each at most `size`); default: always `size`. */
      sizes?: number[];
    }
    | { kind: "ring-receive"; buffer: SharedArrayBuffer; inbox: number }
    | { kind: "port-send"; port: MessagePort; size: number }
    | { kind: "port-receive"; port: MessagePort }
    | {
      kind: "ring-ping";
      buffer: SharedArrayBuffer;
      inbox: number;
      target: number;
    }
    | {
      kind: "ring-pong";
      buffer: SharedArrayBuffer;
      inbox: number;
      target: number;
    }
    | { kind: "port-ping"; port: MessagePort }
    | { kind: "port-pong"; port: MessagePort }
    | {
      kind: "atomics-ping";
      buffer: SharedArrayBuffer;
      words: number;
      mine: number;
      theirs: number;
    }
    | {
      kind: "atomics-pong";
      buffer: SharedArrayBuffer;
      words: number;
      mine: number;
      theirs: number;
    }
  );

const roles = new Map<string, (n: number) => void>();

function fail(what: string): never {
  throw new Error(`bench worker: ${what}`);
}

self.onmessage = (
  event: MessageEvent<Setup | { kind: "run"; name: string; n: number }>,
) => {
  const message = event.data;
  if (message.kind === "run") {
    (roles.get(message.name) ?? fail(`no role ${message.name}`))(message.n);
  } else roles.set(message.name, setup(message));
};

function setup(setup: Setup): (n: number) => void {
  switch (setup.kind) {
    case "ring-send": {
      const arena = Arena.attach(setup.buffer);
      const target = Mailbox.attach(arena, setup.target, arena.newThreadId());
      const record = new Uint8Array(setup.size).fill(7);
      const sizes = setup.sizes ?? [setup.size];
      let next = 0; // carried from run to run, so every run sends the same mix
      return (n) => {
        for (let i = 0; i < n; i++) {
          target.send(record, 10_000, 0, sizes[next]);
          if (++next === sizes.length) next = 0;
        }
      };
    }
    case "ring-receive": {
      const arena = Arena.attach(setup.buffer);
      const inbox = Mailbox.attach(arena, setup.inbox);
      inbox.bindReceiver(Doorbell.create(arena));
      return (n) => {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const length = inbox.waitForRecord(10_000);
          if (length === EMPTY || length === CLOSED_AND_DRAINED) {
            fail("no record");
          }
          sum += inbox.bytes[inbox.recordStart]; // touch the payload, as a decoder would
          inbox.release();
        }
        self.postMessage(sum > 0 ? "done" : "empty");
      };
    }
    case "port-send": {
      const record = new Uint8Array(setup.size).fill(7);
      return (n) => {
        for (let i = 0; i < n; i++) setup.port.postMessage(record);
      };
    }
    case "port-receive": {
      // Messages may come before this worker's own `run`: count them either way.
      let owed = 0;
      setup.port.onmessage = (event) => {
        if (event.data[0] !== 7) fail("bad record");
        if (--owed === 0) self.postMessage("done");
      };
      return (n) => {
        owed += n;
        if (owed === 0) self.postMessage("done");
      };
    }
    case "ring-ping":
    case "ring-pong": {
      const arena = Arena.attach(setup.buffer);
      const id = arena.newThreadId();
      const inbox = Mailbox.attach(arena, setup.inbox, id);
      inbox.bindReceiver(Doorbell.create(arena, id));
      const target = Mailbox.attach(arena, setup.target, id);
      const ball = new Uint8Array(8);
      const pinging = setup.kind === "ring-ping";
      return (n) => {
        for (let i = 0; i < n; i++) {
          if (pinging) target.send(ball, 10_000);
          const length = inbox.waitForRecord(10_000);
          if (length < 0) fail("no ball");
          inbox.release();
          if (!pinging) target.send(ball, 10_000);
        }
        if (pinging) self.postMessage("done");
      };
    }
    case "port-ping":
    case "port-pong": {
      const pinging = setup.kind === "port-ping";
      const ball = new Uint8Array(8);
      let left = 0;
      setup.port.onmessage = () => {
        if (!pinging) {
          setup.port.postMessage(ball);
        } else if (--left === 0) {
          self.postMessage("done");
        } else {
          setup.port.postMessage(ball);
        }
      };
      return (n) => {
        left = n;
        if (pinging) setup.port.postMessage(ball);
      };
    }
    case "atomics-ping":
    case "atomics-pong": {
      // The limit: a counter in shared memory and the same doorbells and spin policy as the
      // ring, but no ring, no copy, no record headers.
      const arena = Arena.attach(setup.buffer);
      const words = arena.int32(setup.words, 64);
      const myBell = Doorbell.attach(arena, setup.mine);
      const theirBell = arena.lineView(setup.theirs);
      const theirIndex = (setup.theirs & 63) >> 2;
      const spin = new SpinPolicy();
      const pinging = setup.kind === "atomics-ping";
      const slot = pinging ? 1 : 0; // the word I wait on
      let expected = 0;
      const arrived = () => Atomics.load(words, slot) !== expected;
      const wait = () => {
        while (!spin.spin(arrived)) {
          const parkedAt = performance.now();
          myBell.park(arrived, 10_000);
          spin.parked(performance.now() - parkedAt);
        }
        expected = Atomics.load(words, slot);
      };
      const hit = () => {
        Atomics.add(words, 1 - slot, 1);
        ringBell(theirBell, theirIndex);
      };
      return (n) => {
        for (let i = 0; i < n; i++) {
          if (pinging) hit();
          wait();
          if (!pinging) hit();
        }
        if (pinging) self.postMessage("done");
      };
    }
  }
}
