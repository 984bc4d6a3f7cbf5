/** The live view leaves what it watches as it was, and says why it cannot listen. */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { Doubler } from "../_actors/basic.ts";

async function deadLetterWarnings(observe: boolean): Promise<string[]> {
  const printed: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await using system = new ActorSystem(); // nobody listens to dead letters
    await using view = observe ? await system.observe() : null;
    using bridge = new Bridge(system);
    const doubler = system.spawn(Doubler);
    await system.started(doubler);
    await bridge.stop([doubler], 5000);
    await bridge.whenTerminated(doubler);
    doubler.send(1); // a dead letter "stopped", counted and told on this thread at once
    assert.equal(system.deadLetters, 1);
    void view;
  } finally {
    console.warn = consoleWarn;
  }
  return printed.filter((line) => line.includes("dead letter"));
}

Deno.test("view edges: looking changes nothing: dead letters nobody listens to still go to console.warn", async () => {
  assert.equal((await deadLetterWarnings(false)).length, 1, "without a view: warned");
  assert.equal((await deadLetterWarnings(true)).length, 1, "with a view open: warned too");
});

Deno.test("view edges: observe() on an address of no interface here throws ObserveError saying what to change", async () => {
  // A program run with the network allowed for that one address (TEST-NET-1: no interface has
  // it, so the listen fails at once and nothing is sent anywhere).
  const program = `
    import { ActorSystem } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
    import { ObserveError } from ${
    JSON.stringify(new URL("../../errors.ts", import.meta.url).href)
  };
    await using system = new ActorSystem();
    try {
      await (await system.observe({ hostname: "192.0.2.1", token: crypto.randomUUID() })).close();
      console.log("served");
    } catch (error) {
      console.log(JSON.stringify({ observeError: error instanceof ObserveError, name: error.constructor.name, message: error.message }));
    }
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-net=192.0.2.1", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(program));
  await writer.close();
  const { stdout, code } = await child.output();
  assert.equal(code, 0);
  const outcome = JSON.parse(new TextDecoder().decode(stdout).trim().split("\n").at(-1)!);
  assert.equal(outcome.observeError, true, `got ${outcome.name}: ${outcome.message}`);
});
