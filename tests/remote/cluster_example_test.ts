/** The README's cluster example, run as a user would: two programs on one nats-server. */
import assert from "node:assert/strict";
import { startNatsServer } from "./_nats_server.ts";

const FLAGS = ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1"];
const EXAMPLES = new URL("../../examples/cluster/", import.meta.url);

Deno.test("examples/cluster: call.ts finds serve.ts's counter and adds to it, twice", async () => {
  await using server = await startNatsServer();
  const serve = new Deno.Command(Deno.execPath(), {
    args: [...FLAGS, new URL("serve.ts", EXAMPLES).href, server.url],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    // serve.ts says it serves once "counter" is registered.
    const reader = serve.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    while (!said.includes("serves")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve.ts ended saying ${JSON.stringify(said)}`);
      said += value;
    }
    reader.releaseLock();
    for (const totals of [[1, 3, 6], [7, 9, 12]]) {
      const call = await new Deno.Command(Deno.execPath(), {
        args: [...FLAGS, new URL("call.ts", EXAMPLES).href, server.url],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      assert.equal(call.code, 0);
      const lines = new TextDecoder().decode(call.stdout).trim().split("\n");
      assert.deepEqual(lines.map((line) => Number(line.split("total ")[1])), totals);
    }
  } finally {
    serve.kill("SIGINT");
    await serve.status;
    await serve.stdout.cancel().catch(() => {});
  }
});
