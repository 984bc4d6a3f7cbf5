import assert from "node:assert/strict";
import { Actor, ActorRef, ActorSystem, Stopped } from "../../mod.ts";
import {
  ActorDeadError,
  ActorNotStartedError,
  ArenaFullError,
  CallTimeoutError,
  CodecError,
  SpawnError,
  SystemClosedError,
  UndeliverableError,
} from "../../errors.ts";
import { Doubler, Echo, Task } from "../_actors/basic.ts";
import {
  Broken,
  Configured,
  Conversation,
  Doomed,
  Flood,
  Flooder,
  Fragile,
  hiddenClass,
  Introduce,
  Lost,
  Numbered,
  OrderSink,
  Patient,
  Procrastinator,
  Recorder,
  Report,
  Tidy,
  WhoSaidHello,
  Witness,
} from "../_actors/behaviours.ts";
import {
  Base,
  Child,
  Farewell,
  Grandchild,
  Greet,
  LoudGreet,
  Picky,
  Unhandled,
} from "../_actors/inheritance.ts";
import { eventually, testSystem, within } from "../_system.ts";
import { placedTests } from "../_placement.ts";

Deno.test("actors: a subclass inherits its parent's handlers and overrides them", async () => {
  await using t = testSystem();
  const [base, child, grandchild] = [
    t.system.spawn(Base),
    t.system.spawn(Child),
    t.system.spawn(Grandchild),
  ];
  const call = (target: ActorRef<unknown>, message: unknown) =>
    t.bridge.call(target, message, { timeout: 20_000 });
  assert.equal(await call(base, new Greet("Ada")), "base hello Ada");
  assert.equal(await call(child, new Greet("Ada")), "child hello Ada");
  assert.equal(await call(child, new Farewell()), "base bye", "inherited");
  assert.equal(
    await call(grandchild, new Greet("Bo")),
    "child hello Bo",
    "inherited from the parent's override",
  );
  assert.equal(
    await call(grandchild, new Farewell()),
    "grandchild bye",
    "the method behind a handler overridden",
  );
  assert.equal(
    await call(child, new LoudGreet("Cy")),
    "child hello Cy",
    "a message subclass uses its parent's handler",
  );
});

Deno.test("actors: OtherMessage takes classes without a handler and plain values", async () => {
  await using t = testSystem();
  const base = t.system.spawn(Base);
  const call = (message: unknown) => t.bridge.call(base, message, { timeout: 20_000 });
  assert.deepEqual(await call(42), ["other", 42]);
  assert.deepEqual(await call("text"), ["other", "text"]);
  assert.deepEqual(await call([1, [2]]), ["other", [1, [2]]]);
  assert.deepEqual(await call({ a: 1 }), ["other", { a: 1 }]);
  assert.deepEqual(await call(null), ["other", null]);
  const [, unhandled] = await call(new Unhandled(7)) as [string, Unhandled];
  assert.ok(
    unhandled instanceof Unhandled,
    "a registered class without a handler arrives as itself",
  );
  assert.equal(unhandled.n, 7);
  // A class the actor's Worker never registered cannot be decoded there: the call settles at
  // once, saying why (the actor is alive: not an ActorDeadError).
  await assert.rejects(
    call(new Task(7)),
    (error: unknown) =>
      error instanceof UndeliverableError && error.kind === "undecodable" &&
      /unknown message class id .* Import the module/.test(error.message),
  );
});

Deno.test("actors: a message nobody handles is a dead letter saying so", async () => {
  await using t = testSystem();
  const picky = t.system.spawn(Picky);
  picky.send(123 as never);
  await t.until(() => t.deadLetters.length > 0, "dead letter");
  assert.match(t.deadLetters[0].reason, /Picky has no handler/);
  assert.equal(t.deadLetters[0].messageClass, "number 123");
  assert.equal(t.deadLetters[0].message, 123, "the message itself, decoded afresh");
  assert.equal(t.deadLetters[0].kind, "no-handler");
  assert.equal(await t.bridge.call(picky, new Greet("Di"), { timeout: 20_000 }), "picky hello Di");
});

Deno.test("actors: every message carries its sender, across three actors in three workers", async () => {
  await using t = testSystem();
  const [a, b, c] = [t.system.spawn(Witness), t.system.spawn(Witness), t.system.spawn(Witness)];
  const call = (target: ActorRef<never>, message: unknown) =>
    t.bridge.call(target as ActorRef<unknown>, message, { timeout: 20_000 });
  // a says hello to b, b to c, c to a: each must see the right sender.
  await Promise.all([
    call(a, new Introduce(b)),
    call(b, new Introduce(c)),
    call(c, new Introduce(a)),
  ]);
  for (const [target, expected] of [[a, c], [b, a], [c, b]] as const) {
    let answer: unknown = "nobody yet";
    while (answer === "nobody yet") answer = await call(target, new WhoSaidHello());
    const from = (answer as { from: ActorRef }).from;
    assert.ok(from instanceof ActorRef);
    assert.ok(from.equals(expected), `${target} heard from ${from}, expected ${expected}`);
  }
  assert.equal(t.system.workerCount, 3);
});

Deno.test("actors: outside any actor the sender is none, unless given", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const echo = t.system.spawn(Echo);
  recorder.send("anonymous");
  recorder.send("on behalf", { sender: echo });
  const seen = await t.bridge.call(recorder, "dump", { timeout: 20_000 }) as [
    string,
    ActorRef | null,
  ][];
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[0], ["anonymous", null]);
  assert.equal(seen[1][0], "on behalf");
  assert.ok(seen[1][1]?.equals(echo));
});

Deno.test("actors: each sender's messages arrive in order under load, through a small mailbox", async () => {
  // 3 flooding actors plus the main thread send into one 4 KiB mailbox: senders block or queue.
  await using t = testSystem();
  const sink = t.system.spawnWith(OrderSink, { mailboxCapacity: 4096 });
  const flooders = [t.system.spawn(Flooder), t.system.spawn(Flooder), t.system.spawn(Flooder)];
  const count = 20_000;
  const sent = flooders.map((flooder, i) =>
    t.bridge.call(flooder, new Flood(sink, `actor ${i}`, count), { timeout: 60_000 })
  );
  for (let seq = 0; seq < count; seq++) sink.send(new Numbered("main", seq));
  assert.deepEqual(await Promise.all(sent), ["sent", "sent", "sent"]);
  let report = { received: 0, disorder: [] as string[] };
  const deadline = performance.now() + 60_000;
  while (report.received < 4 * count && performance.now() < deadline) {
    report = await t.bridge.call(sink, new Report(), { timeout: 60_000 }) as typeof report;
    assert.deepEqual(report.disorder, []);
  }
  assert.equal(report.received, 4 * count);
  assert.equal(t.system.deadLetters, 0);
});

placedTests("bridge", [
  ["a late reply to a call that timed out is never returned to a later call", async (t) => {
    const late = await t.spawn(Procrastinator);
    // Started first, and long enough timeouts that each request is handled before its deadline
    // even on a loaded machine (an expired one would never get its late reply); it never answers
    // a request before the next one comes, so each call times out all the same.
    await t.system.started(late);
    await assert.rejects(t.bridge.call(late, "first", { timeout: 300 }), CallTimeoutError);
    assert.equal(
      await t.bridge.call(late, "second", { timeout: 300, default: "no reply" }),
      "no reply",
    );
    // "now" makes it send the late reply to "second" first, then the reply to "now".
    assert.equal(await t.bridge.call(late, "now", { timeout: 20_000 }), "reply to now");
    await t.until(
      () => t.deadLetters.some((d) => /already settled/.test(d.reason)),
      "late reply dead letter",
    );
  }],
  ["calls to a stopped actor settle at once, not at their timeout", async (t) => {
    const doubler = await t.spawn(Doubler);
    assert.equal(await t.bridge.call(doubler, 2, { timeout: 20_000 }), 4);
    assert.deepEqual(await t.bridge.stop([doubler], 20_000), [new Stopped()]);
    const started = performance.now();
    await within(
      20_000,
      "call to a stopped actor",
      assert.rejects(t.bridge.call(doubler, 3, { timeout: 600_000 }), ActorDeadError),
    );
    assert.equal(await t.bridge.call(doubler, 3, { timeout: 600_000, default: "gone" }), "gone");
    assert.ok(performance.now() - started < 600_000);
    doubler.send(4); // never throws: a dead letter
    // "has stopped" while its worker still drains the closed mailbox, "not running" after.
    await t.until(
      () =>
        t.deadLetters.some((d) => d.kind === "stopped" && /not running|has stopped/.test(d.reason)),
      "dead letter",
    );
  }],
  [
    "a call to an actor whose worker dies settles at once",
    async (t) => {
      const doomed = await t.spawn(Doomed);
      assert.equal(await t.bridge.call(doomed, "alive?", { timeout: 20_000 }), "alive?");
      const pending = t.bridge.call(doomed, "crash", { timeout: 600_000 });
      const error = await within(
        20_000,
        "call to a dying worker",
        pending.then(() => null, (e) => e),
      );
      assert.ok(error instanceof ActorDeadError, String(error));
      assert.match(error.message, /Worker died/);
      await assert.rejects(t.bridge.call(doomed, "again", { timeout: 600_000 }), ActorDeadError);
      assert.equal(t.system.workerCount, 0);
    },
  ],
]);

Deno.test("actors: an actor made with new, not spawned, cannot send or be sent to", () => {
  const idle = new Echo();
  assert.throws(() => idle.self, ActorNotStartedError);
  assert.throws(
    () => idle.self.send("hello"),
    (error: unknown) =>
      error instanceof ActorNotStartedError &&
      /spawn it with system.spawn\(Echo\)/.test(error.message),
  );
  assert.throws(() => idle.context.name, ActorNotStartedError);
});

placedTests("actors", [
  ["Stop answers Stopped, runs onStop once, and stopping twice is harmless", async (t) => {
    const tidy = await t.spawn(Tidy);
    assert.equal(await t.bridge.call(tidy, "stops?", { timeout: 20_000 }), 0);
    // Two Stops at once: both are answered (the second finds the actor stopping or gone).
    const both = await t.bridge.stop([tidy, tidy], 20_000);
    assert.ok(both.every((reply) => reply instanceof Stopped));
    assert.deepEqual(
      await t.bridge.stop([tidy], 20_000),
      [new Stopped()],
      "an actor already gone counts as stopped",
    );
    // Sent straight into the mailbox, a second Stop behind the first is answered Stopped too. The
    // actor sends both to itself: two sends from here could straddle its handling of the first
    // on a loaded machine, and a Stop that comes after the end is a dead letter.
    const twice = await t.spawn(Tidy);
    const recorder = await t.spawn(Recorder);
    twice.send("stop twice", { sender: recorder as ActorRef<never> });
    let seen: unknown[] = [];
    await eventually(async () => {
      seen = await t.bridge.call(recorder, "dump", { timeout: 20_000 }) as unknown[];
      return seen.length >= 2;
    }, "both Stops answered");
    assert.equal(seen.length, 2);
    assert.ok(seen.every((entry) => (entry as unknown[])[0] instanceof Stopped));
    assert.equal(t.failures.length, 0, "postStop threw: it ran twice");
    await t.bridge.stop([recorder], 20_000);
    await eventually(() => t.system.workerCount === 0, "their workers end");
  }],
]);

Deno.test("actors: a throwing handler is reported with actor, message class and stack; the actor goes on", async () => {
  await using t = testSystem();
  const fragile = t.system.spawnWith(Fragile, { name: "fragile one" });
  fragile.send("boom");
  assert.equal(await t.bridge.call(fragile, "after", { timeout: 20_000 }), "ok after");
  await t.until(() => t.failures.length === 1, "failure report");
  const [failure] = t.failures;
  assert.equal(failure.actorName, "fragile one");
  assert.equal(failure.messageClass, 'string "boom"');
  assert.equal(failure.error.name, "RangeError");
  assert.equal(failure.error.message, "boom went the handler");
  assert.match(failure.error.stack ?? "", /onString/);
  assert.ok(failure.actor?.equals(fragile));
});

Deno.test("actors: an async handler finishes before the next message starts, and keeps its sender", async () => {
  await using t = testSystem();
  const patient = t.system.spawn(Patient);
  const self = t.bridge.call(patient, 30, { timeout: 20_000 });
  patient.send("second");
  assert.ok(
    (await self as ActorRef).equals(patient),
    "after an await, the sender is still the actor",
  );
  assert.deepEqual(await t.bridge.call(patient, "log", { timeout: 20_000 }), [
    "waited 30",
    "second",
    "log",
  ]);
  patient.send({ fail: true } as never);
  await t.until(() => t.failures.length === 1, "async failure report");
  assert.equal(t.failures[0].error.message, "async boom");
  assert.deepEqual(await t.bridge.call(patient, "log", { timeout: 20_000 }), [
    "waited 30",
    "second",
    "log",
    "log",
  ]);
});

Deno.test("actors: receive() takes the next messages inside a handler, and times out with null", async () => {
  await using t = testSystem();
  const talk = t.system.spawn(Conversation);
  const answer = t.bridge.call(talk, "listen", { timeout: 20_000 });
  talk.send("a");
  talk.send("b", { sender: t.system.spawn(Echo) as ActorRef<never> });
  talk.send("end");
  assert.deepEqual(await answer, { heard: ["a", "anonymous", "b", "named"], afterwards: null });
});

Deno.test("spawn: constructor arguments travel through the codec", async () => {
  await using t = testSystem();
  const configured = t.system.spawn(Configured, "label", { factor: 3, tags: new Set(["x", "y"]) });
  assert.deepEqual(await t.bridge.call(configured, "config?", { timeout: 20_000 }), ["label", 3, [
    "x",
    "y",
  ]]);
  assert.throws(
    () => t.system.spawn(Configured, "label", { factor: 3, tags: new Set([() => "no"]) as never }),
    (error: unknown) =>
      error instanceof CodecError && /arguments of Configured/.test(error.message),
  );
});

Deno.test("spawn: a bad module, a hidden class or a throwing constructor fail clearly", async () => {
  await using t = testSystem();
  for (
    const [actorClass, pattern] of [
      [Lost, /cannot load the module of Lost/],
      [hiddenClass(), /does not export Hidden/],
      [Broken, /constructor threw: the constructor refuses/],
    ] as const
  ) {
    const ref = t.system.spawn(actorClass as typeof Lost);
    const error = await within(
      20_000,
      "spawn failure",
      t.system.started(ref).then(() => null, (e) => e),
    );
    assert.ok(error instanceof SpawnError, String(error));
    assert.match(error.message, pattern);
    await assert.rejects(
      t.bridge.call(ref, "hello" as never, { timeout: 600_000 }),
      ActorDeadError,
    );
  }
  await t.until(() => t.failures.length === 3, "spawn failures reported");
  // A module that does not load is the spawn's failure; a constructor's, like preStart's, the
  // actor's own (its supervisor decided to stop it).
  const [loading, hidden, constructing] = t.failures;
  assert.ok(loading.error instanceof SpawnError && hidden.error instanceof SpawnError);
  assert.equal(constructing.messageClass, "the constructor");
  assert.equal(constructing.error.message, "the constructor refuses");
  class NoModule extends Actor {}
  assert.throws(() => t.system.spawn(NoModule as unknown as typeof Echo), /static readonly module/);
  assert.throws(() => t.system.spawn(Date as unknown as typeof Echo), /does not extend Actor/);
});

Deno.test("spawn: messages sent before the worker started wait, in order", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  for (let i = 0; i < 1000; i++) recorder.send(i);
  const seen = await t.bridge.call(recorder, "dump", { timeout: 20_000 }) as [number, null][];
  assert.deepEqual(seen.map(([n]) => n), Array.from({ length: 1000 }, (_, i) => i));
  await t.system.started(recorder);
});

Deno.test("shutdown: ends every worker and settles everything pending", async () => {
  const t = testSystem();
  const doubler = t.system.spawn(Doubler);
  const late = t.system.spawn(Procrastinator);
  assert.equal(await t.bridge.call(doubler, new Task(1), { timeout: 20_000 }), 2);
  const pending = t.bridge.call(late, "never answered", { timeout: 600_000 }).then(
    () => null,
    (e) => e,
  );
  const stillStarting = t.system.spawn(Doubler);
  await within(20_000, "shutdown", t.system.shutdown());
  assert.ok(await within(20_000, "pending call", pending) instanceof ActorDeadError);
  await assert.rejects(t.system.started(stillStarting), ActorDeadError);
  assert.equal(t.system.workerCount, 0);
  assert.throws(() => t.system.spawn(Doubler), SystemClosedError);
  await assert.rejects(t.bridge.call(doubler, 1, { timeout: 100 }), SystemClosedError);
  doubler.send(5); // a dead letter, not an error
  await t[Symbol.asyncDispose]();
  // Deno's sanitizers fail this test if a worker, timer or op were left running.
});

Deno.test("shutdown: await using ends the system", async () => {
  let system: ActorSystem;
  {
    await using s = new ActorSystem();
    system = s;
    s.spawn(Echo);
  }
  assert.equal(system.workerCount, 0);
  assert.throws(() => system.spawn(Echo), SystemClosedError);
});

Deno.test("spawn: a full system refuses a spawn and leaves nothing half-started", async () => {
  await using t = testSystem({ maxActors: 4 }); // guardian + bridge + 2 (an actor and its agent)
  const echo = t.system.spawn(Echo);
  assert.equal(await t.bridge.call(echo, "hi", { timeout: 20_000 }), "hi");
  assert.throws(
    () => t.system.spawn(Echo),
    (error: unknown) => error instanceof ArenaFullError && /maxActors/.test(error.message),
  );
  assert.equal(t.system.workerCount, 1, "no orphan worker");
  await t.bridge.stop([echo], 20_000);
  await eventually(() => t.system.workerCount === 0, "the worker ends");
  const again = t.system.spawn(Echo); // the slots and mailboxes came back
  assert.equal(await t.bridge.call(again, "again", { timeout: 20_000 }), "again");
});

Deno.test("system: a listener that throws is reported, and the system goes on", async () => {
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    await using t = testSystem();
    t.system.onDeadLetter(() => {
      throw new Error("listener bug");
    });
    const echo = t.system.spawn(Echo);
    await t.bridge.stop([echo], 20_000);
    echo.send("to the dead");
    await t.until(() => t.deadLetters.length > 0, "dead letter");
    assert.ok(logged.some((args) => String(args[0]).includes("onDeadLetter listener threw")));
    const other = t.system.spawn(Echo);
    assert.equal(await t.bridge.call(other, "still fine", { timeout: 20_000 }), "still fine");
  } finally {
    console.error = original;
  }
});

Deno.test("spawn: started() of an actor whose start failed rejects with SpawnError, also after the failure was handled", async () => {
  await using t = testSystem();
  const ref = t.system.spawn(Broken);
  await t.until(() => t.failures.length === 1, "the failed start reported");
  await t.bridge.whenTerminated(ref); // its end is known: its record is gone
  const error = await t.system.started(ref).then(() => null, (e) => e);
  assert.ok(error instanceof SpawnError, String(error));
  assert.match(error.message, /Broken's constructor threw: the constructor refuses/);
});

Deno.test("spawn: bad arguments to spawnWith, createPool, started and kill are refused clearly", async () => {
  await using t = testSystem();
  const other = new ActorSystem();
  const foreign = other.spawn(Doubler);
  const { system } = t;
  const cases: [string, () => unknown, RegExp][] = [
    [
      "spawnWith(C, null)",
      () => system.spawnWith(Doubler, null as never),
      /options must be an object, got null/,
    ],
    [
      "near: a string",
      () => system.spawnWith(Doubler, { near: "x" as never }),
      /near must be a ref of this actor system, got "x"/,
    ],
    [
      "near: another system's ref",
      () => system.spawnWith(Doubler, { near: foreign as never }),
      /near must be a ref of this actor system, got ActorRef/,
    ],
    [
      "pool: not a pool",
      () => system.spawnWith(Doubler, { pool: {} as never }),
      /pool must be a pool made by this system's createPool, got Object/,
    ],
    [
      "createPool mailboxCapacity 1000",
      () => system.createPool({ workers: 1, mailboxCapacity: 1000 }),
      /mailboxCapacity must be a power of two from 64 to 134217728, got 1000/,
    ],
    ["started(null)", () => system.started(null as never), /started needs an ActorRef, got null/],
    ["started(a string)", () => system.started("x" as never), /started needs an ActorRef, got "x"/],
    ["kill(null)", () => system.kill(null as never), /kill needs an ActorRef, got null/],
  ];
  const unclear: string[] = [];
  for (const [what, bad, pattern] of cases) {
    let error: unknown = null;
    try {
      await bad();
    } catch (e) {
      error = e;
    }
    const clear = (error instanceof TypeError || error instanceof RangeError) &&
      pattern.test(error.message);
    if (!clear) unclear.push(`${what}: ${error === null ? "accepted" : String(error)}`);
  }
  await other.shutdown();
  assert.deepEqual(unclear, []);
  assert.equal(t.system.workerCount, 0, "nothing was started for them");
});

Deno.test("spawn: a call made before the actor failed to start says why it failed", async () => {
  await using t = testSystem();
  for (
    const [actorClass, pattern] of [
      [Broken, /no reply from Broken .*Broken's constructor threw: the constructor refuses/],
      [hiddenClass(), /no reply from Hidden .*failed to start: .*does not export Hidden/],
    ] as const
  ) {
    const ref = t.system.spawn(actorClass as typeof Broken);
    const error = await t.bridge.call(ref, "hello" as never, { timeout: 600_000 }).then(
      () => null,
      (e) => e,
    );
    assert.ok(error instanceof ActorDeadError, String(error));
    assert.match(error.message, pattern);
  }
});
