/** Freezing a process of a test (a NATS server, a second node) for real, not just signalled. */

/**
 * Stops process `pid` (SIGSTOP) and resolves once it is stopped: `Deno.kill` returns when the
 * signal is sent, and a process running on another core goes on a little longer — long enough
 * to answer a request sent right after (bounded: 2 s). Linux: reads /proc.
 */
export async function freeze(pid: number): Promise<void> {
  Deno.kill(pid, "SIGSTOP");
  const deadline = performance.now() + 2_000;
  // /proc/<pid>/stat: "pid (name) state …"; T: stopped (a process gone counts as stopped).
  while (!/\) T /.test(await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => ") T "))) {
    if (performance.now() > deadline) throw new Error(`process ${pid} did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
