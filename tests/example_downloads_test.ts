/**
 * `deno task example` on a fresh machine downloads nothing: the cluster's NATS client (an
 * optional dependency) is neither in the example's module graph nor pre-installed by the task.
 */
import assert from "node:assert/strict";

Deno.test("the example downloads nothing, with an empty Deno cache", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ringmail-example-" });
  try {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "example"],
      cwd: new URL("..", import.meta.url),
      env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(stderr);
    assert.equal(code, 0, said);
    assert.doesNotMatch(said, /Download/, "something was downloaded");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
