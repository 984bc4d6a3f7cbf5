/**
 * The live view over HTTP, without a browser: its JSON and its event stream follow a system with
 * traffic, it answers only who may look (loopback, or the token), it is read-only, and it closes
 * (with `close()` or the system's shutdown) and frees its port. The page in a real browser is in
 * live_view_browser_test.ts.
 */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem, type LiveView } from "../../mod.ts";
import { ObserveError, SystemClosedError } from "../../errors.ts";
import { Nest, Sink, Source } from "../_actors/observed.ts";
import { eventually, testSystem, within } from "../_system.ts";

interface ViewActor {
  ref: string;
  name: string;
  className: string;
  parent: string | null;
  children: string[];
  handled: number;
  mailbox: { waiting: number };
}
interface ViewState {
  snapshot: { actors: ViewActor[]; handled: number; workers: unknown[] };
  history: { at: number; handled: number }[];
  failures: { type: string; actor: string; error: string }[];
  deadLetters: { type: string; target: string; kind: string }[];
}

async function stateOf(view: LiveView): Promise<ViewState> {
  const response = await fetch(new URL("api/snapshot", view.url));
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /application\/json/);
  return await response.json();
}

/** The events of a view's stream, as they come: `{ event, data }`. */
async function* eventsOf(response: Response): AsyncGenerator<{ event: string; data: unknown }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = block.match(/^event: (.*)$/m)?.[1];
        const data = block.match(/^data: (.*)$/m)?.[1];
        if (event && data) yield { event, data: JSON.parse(data) };
      }
    }
  } finally {
    await reader.cancel();
  }
}

/** The first event of `events` that `test` accepts; fails after `ms`. */
async function next<T>(
  events: AsyncGenerator<{ event: string; data: unknown }>,
  what: string,
  test: (event: string, data: unknown) => T | undefined,
  ms = 20_000,
): Promise<T> {
  return await within(
    ms,
    what,
    (async () => {
      // Not `for await`: leaving it would end the stream, which the next call reads on.
      while (true) {
        const { value, done } = await events.next();
        if (done) throw new Error(`${what}: the stream ended first`);
        const found = test(value.event, value.data);
        if (found !== undefined) return found;
      }
    })(),
  );
}

const byName = (state: { actors: ViewActor[] }, name: string) => {
  const actor = state.actors.find((a) => a.name === name);
  assert.ok(actor, `${name} in ${state.actors.map((a) => a.name).join(", ")}`);
  return actor;
};

Deno.test("live view: the JSON shows the actors with their refs as text, and the stream shows the figures move", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 10 } });
  const sink = t.system.spawnWith(Sink, { name: "sink" });
  const source = t.system.spawnWith(Source, { name: "source" }, sink);
  const nest = t.system.spawnWith(Nest, { name: "nest" });
  const [child] = await t.bridge.call(nest, 1, { timeout: 10_000 }) as ActorRef<unknown>[];
  assert.equal(await t.bridge.call(source, 100, { timeout: 10_000 }), 100);
  await using view = await t.system.observe({ port: 0, intervalMs: 100 });
  assert.match(view.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(view.url, `http://127.0.0.1:${view.port}/`);

  // The source answers once it has sent the 100, not once the sink (on another Worker) took them.
  let first = await stateOf(view);
  await eventually(async () => {
    first = await stateOf(view);
    return byName(first.snapshot, "sink").handled >= 100;
  }, "the sink took the source's 100");
  const sinkNow = byName(first.snapshot, "sink");
  assert.match(sinkNow.ref, /^sink#\d+\.\d+$/);
  assert.equal(sinkNow.className, "Sink");
  assert.ok(sinkNow.handled >= 100, `the sink handled ${sinkNow.handled}`);
  const nestNow = byName(first.snapshot, "nest");
  const childNow = first.snapshot.actors.find((a) => a.parent === nestNow.ref);
  assert.ok(childNow, "the nest's child names it as its parent");
  assert.deepEqual(nestNow.children, [childNow.ref]);
  assert.ok(childNow.ref.endsWith(`#${child.slot}.${child.generation}`));

  const stream = await fetch(new URL("api/stream", view.url));
  assert.match(stream.headers.get("content-type") ?? "", /text\/event-stream/);
  const events = eventsOf(stream);
  const hello = await next(
    events,
    "the hello",
    (event, data) => event === "hello" ? data as ViewState : undefined,
  );
  const before = byName(hello.snapshot, "sink").handled;
  await t.bridge.call(source, 500, { timeout: 10_000 });
  const moved = await next(events, "a snapshot with the 500 more", (event, data) => {
    const { snapshot } = data as { snapshot: ViewState["snapshot"] };
    return event === "snapshot" && byName(snapshot, "sink").handled >= before + 500
      ? snapshot
      : undefined;
  });
  assert.ok(moved.handled >= before + 500);
  sink.send("fail");
  const failure = await next(events, "the failure in the feed", (event, data) => {
    const entries = data as ViewState["failures"];
    return event === "feed" ? entries.find((e) => e.type === "failure") : undefined;
  });
  assert.match(failure.actor, /^sink#/);
  assert.equal(failure.error, "Error: told to fail");
  await events.return(undefined);

  const later = await stateOf(view);
  assert.ok(later.history.length >= 2, "the chart's points pile up");
  assert.equal(later.failures[0]?.error, "Error: told to fail", "kept for pages to come");
});

Deno.test("live view: serves its page, script and style, nothing else, and only reads", async () => {
  await using system = new ActorSystem();
  await using view = await system.observe();
  const page = await fetch(view.url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<script src="app.js" defer><\/script>/);
  assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  const script = await fetch(new URL("app.js", view.url));
  assert.match(script.headers.get("content-type") ?? "", /javascript/);
  assert.match(await script.text(), /new EventSource/);
  const style = await fetch(new URL("app.css", view.url));
  assert.match(style.headers.get("content-type") ?? "", /text\/css/);
  await style.body?.cancel();
  const missing = await fetch(new URL("admin", view.url));
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  for (const method of ["POST", "PUT", "DELETE"]) {
    const refused = await fetch(new URL("api/snapshot", view.url), { method });
    assert.equal(refused.status, 405, method);
    await refused.body?.cancel();
  }
});

Deno.test("live view: off loopback a token is required, and a short one refused", async () => {
  await using system = new ActorSystem();
  await assert.rejects(
    system.observe({ hostname: "0.0.0.0" }),
    (error: Error) => error instanceof ObserveError && /give it a token/.test(error.message),
  );
  await assert.rejects(system.observe({ token: "short" }), ObserveError);
  await assert.rejects(system.observe({ port: 70_000 }), ObserveError);
  await assert.rejects(system.observe({ intervalMs: 1 }), ObserveError);
});

Deno.test("live view: with a token, every request must carry it", async () => {
  await using system = new ActorSystem();
  const token = crypto.randomUUID();
  await using view = await system.observe({ token });
  assert.equal(view.url, `http://127.0.0.1:${view.port}/?token=${token}`);
  const base = `http://127.0.0.1:${view.port}/`;
  for (const path of ["", "app.js", "api/snapshot", "api/stream"]) {
    const none = await fetch(base + path);
    assert.equal(none.status, 401, `${path} without the token`);
    await none.body?.cancel();
    const wrong = await fetch(`${base}${path}?token=${crypto.randomUUID()}`);
    assert.equal(wrong.status, 403, `${path} with a wrong token`);
    await wrong.body?.cancel();
  }
  const bearer = await fetch(base + "api/snapshot", {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(bearer.status, 200);
  await bearer.body?.cancel();
  const page = await (await fetch(view.url)).text();
  assert.ok(page.includes(`app.js?token=${token}`), "the page's own requests carry it");
});

Deno.test("live view: without a token, a request whose Host is not loopback is refused", async () => {
  await using system = new ActorSystem();
  await using view = await system.observe();
  // A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) sends its name.
  const connection = await Deno.connect({ hostname: "127.0.0.1", port: view.port });
  try {
    await connection.write(new TextEncoder().encode(
      "GET /api/snapshot HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    ));
    const answer = await new Response(connection.readable).text();
    assert.match(answer, /^HTTP\/1\.1 403/);
  } catch (error) {
    connection.close();
    throw error;
  }
});

Deno.test("live view: close() ends the streams and frees the port; observe after shutdown throws", async () => {
  const system = new ActorSystem();
  const view = await system.observe();
  const stream = await fetch(new URL("api/stream", view.url));
  const events = eventsOf(stream);
  await next(events, "the hello", (event) => event === "hello" ? true : undefined);
  await view.close();
  await within(
    5000,
    "the stream ends",
    (async () => {
      for await (const _ of events) { /* what was sent before the close */ }
    })(),
  );
  const listener = Deno.listen({ hostname: "127.0.0.1", port: view.port });
  listener.close();
  await view.close(); // twice: the same, nothing more
  await system.shutdown();
  await assert.rejects(system.observe(), SystemClosedError);
});

Deno.test("live view: the system's shutdown closes a view left open", async () => {
  const system = new ActorSystem();
  system.spawn(Sink);
  const view = await system.observe();
  const stream = await fetch(new URL("api/stream", view.url));
  const events = eventsOf(stream);
  await next(events, "the hello", (event) => event === "hello" ? true : undefined);
  await system.shutdown();
  await within(
    5000,
    "the stream ends",
    (async () => {
      for await (const _ of events) { /* the last snapshots */ }
    })(),
  );
  await assert.rejects(fetch(view.url), TypeError, "nothing listens any more");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: view.port });
  listener.close();
});

Deno.test("example: observe.ts serves its busy system's view and ends after --duration", async () => {
  const program = new URL("../../examples/observe.ts", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-net=127.0.0.1", program, "--duration=1000"],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const printed = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.match(printed, /^live view: http:\/\/127\.0\.0\.1:\d+\/$/m);
  assert.match(printed, /^shutting down$/m);
});

Deno.test("live view: its code is not in the main entry's module graph (observe() loads it)", async () => {
  // Deno fetches every module of the graph, in each Worker too (they load mod.ts again).
  const root = new URL("../../", import.meta.url);
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "mod.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(code, 0);
  const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string }[];
  };
  const graph = modules.map((module) => module.specifier);
  assert.ok(graph.some((specifier) => specifier.endsWith("/src/system/actor_system.ts")));
  assert.deepEqual(graph.filter((specifier) => specifier.includes("/src/observe/")), []);
});

Deno.test("live view: looking changes nothing: failures nobody listens to still go to console.error", async () => {
  const printed: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await using system = new ActorSystem({ supervision: { onFailure: "resume" } });
    await using view = await system.observe();
    const stream = await fetch(new URL("api/stream", view.url));
    const events = eventsOf(stream);
    await next(events, "the hello", (event) => event === "hello" ? true : undefined);
    system.spawnWith(Sink, { name: "sink" }).send("fail");
    await next(
      events,
      "the failure on the page",
      (event, data) =>
        event === "feed" && (data as ViewState["failures"]).some((e) => e.type === "failure")
          ? true
          : undefined,
    );
    await events.return(undefined);
    assert.ok(
      printed.some((line) => line.includes("sink failed while handling")),
      `printed: ${printed.join("\n")}`,
    );
  } finally {
    console.error = consoleError;
  }
});

Deno.test("live view: options of the wrong type are refused by a typed error that says what was given", async () => {
  await using system = new ActorSystem();
  await assert.rejects(
    system.observe(null as never),
    (error: Error) =>
      error instanceof TypeError &&
      /observe's options must be an object, got null/.test(error.message),
  );
  await assert.rejects(
    system.observe({ hostname: 127 as never }),
    (error: Error) =>
      error instanceof ObserveError && /hostname must be a string .*, got 127/.test(error.message),
  );
  await assert.rejects(
    system.observe({ port: "8080" as never }),
    (error: Error) => error instanceof ObserveError && /got "8080"/.test(error.message),
  );
  await assert.rejects(
    system.observe({ intervalMs: "500" as never }),
    (error: Error) => error instanceof ObserveError && /got "500"/.test(error.message),
  );
  // A token a request could never carry in its Authorization header.
  await assert.rejects(
    system.observe({ token: " ".repeat(16) }),
    (error: Error) => error instanceof ObserveError && /no spaces/.test(error.message),
  );
});
