/**
 * A user's first `deno test` on a fresh machine: a test module that spawns 8 actors at once,
 * run by a child `deno test` with an empty Deno cache, gets every first reply within the seed's
 * call timeout (1.0 s). Each Worker once type-checked the runtime again, cold: seconds per Worker.
 */
import assert from "node:assert/strict";

const MOD = new URL("../../mod.ts", import.meta.url).href;

const USER_TEST = `
import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "${MOD}";

export class Echo extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    sender?.send(n);
  }
}

Deno.test("8 actors answer their first call within 1 s, cold", async () => {
  await using system = new ActorSystem();
  using bridge = new Bridge(system);
  const actors = Array.from({ length: 8 }, () => system.spawn(Echo));
  const replies = await Promise.all(actors.map((a, i) => bridge.call(a, i, { timeout: 1000 })));
  if (replies.join() !== "0,1,2,3,4,5,6,7") throw new Error("wrong replies: " + replies);
});
`;

Deno.test("cold start: 8 actors spawned under deno test with an empty cache answer within 1 s", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringmail-cold-" });
  try {
    const test = `${dir}/user_test.ts`;
    await Deno.writeTextFile(test, USER_TEST);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-read", "--allow-env", test],
      env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    });
    const { code, stdout, stderr } = await child.output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.equal(code, 0, output);
    assert.match(output, /1 passed \| 0 failed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
