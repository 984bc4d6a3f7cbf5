/** Freezing a process of a test (a NATS server, a second node) for real, not just signalled. */

/**
 * Stops process `pid` (SIGSTOP) and resolves once it is stopped: `Deno.kill` returns when the
 * signal is sent, and a process running on another core goes on a little longer — long enough
 * to answer a request sent right after (bounded: 2 s). Every thread of it is looked at, not only
 * its first: each stops as it next runs, and a Go server's other threads serve its sockets. Asks
 * `ps` (procps): reading /proc/<pid> needs Deno's --allow-all, which the tests do not have.
 */
export async function freeze(pid: number): Promise<void> {
  Deno.kill(pid, "SIGSTOP");
  const deadline = performance.now() + 2_000;
  while (!await allStopped(pid)) {
    if (performance.now() > deadline) throw new Error(`process ${pid} did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Whether every thread of process `pid` is stopped (a process gone counts as stopped). */
async function allStopped(pid: number): Promise<boolean> {
  const { stdout } = await new Deno.Command("ps", {
    args: ["-L", "-o", "stat=", "-p", String(pid)],
    stdout: "piped",
    stderr: "null",
  }).output();
  // One line a thread, its state first: T stopped, t stopped by a tracer.
  const states = new TextDecoder().decode(stdout).split("\n").filter((line) => line.trim() !== "");
  return states.every((state) => /^\s*[Tt]/.test(state));
}
