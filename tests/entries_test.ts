/**
 * The entries' module graphs: `@ringmail/actors/actor` is what actor modules may import instead of
 * the main entry, so that each Worker (which loads its actors' modules again) does not load the
 * system's and the Bridge's side it never uses. Checked on the graph Deno computes, so a new
 * import that drags that side in fails here, not only in the start benchmark.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** Paths (from the repository's root) of the modules of `entry`'s graph. */
async function graphOf(entry: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as {
    modules: { specifier: string }[];
  };
  return modules.map((module) => module.specifier)
    .filter((specifier) => specifier.startsWith(ROOT.href))
    .map((specifier) => specifier.slice(ROOT.href.length));
}

Deno.test("entries: the actor entry holds nothing of the system's or the Bridge's side", async () => {
  const graph = await graphOf("actor.ts");
  assert.ok(graph.includes("src/actor/actor.ts"), graph.join(" "));
  const systemSide = graph.filter((path) =>
    path.startsWith("src/bridge/") || path.startsWith("src/remote/") ||
    path === "src/system/actor_system.ts" || path === "src/system/system_wiring.ts"
  );
  assert.deepEqual(systemSide, []);
});

Deno.test("entries: the main entry exports everything the actor entry does", async () => {
  const main = await import("../mod.ts");
  const actor = await import("../actor.ts");
  for (const name of Object.keys(actor)) {
    assert.equal((main as Record<string, unknown>)[name], (actor as Record<string, unknown>)[name]);
  }
});

Deno.test("entries: the main entry holds nothing of OpenTelemetry's (only the otel entry does)", async () => {
  const graph = await graphOf("mod.ts");
  assert.deepEqual(graph.filter((path) => path.startsWith("src/observe/")), []);
  const otel = await graphOf("otel.ts");
  assert.ok(otel.includes("src/observe/otel/open_telemetry.ts"), otel.join(" "));
});
