/** Starts second nodes (tests/remote/_node.ts) as processes of their own, for the remote tests. */

import { freeze } from "./_freeze.ts";

/** A node in a process of its own. */
export interface NodeProcess extends AsyncDisposable {
  /** Its node id. */
  readonly node: number;
  readonly pid: number;
  kill(signal: Deno.Signal): void;
  /** Stops it (SIGSTOP) and resolves once it is stopped (see _freeze.ts). */
  freeze(): Promise<void>;
  /** Ends it gracefully (closes its standard input) and awaits its exit. */
  stop(): Promise<void>;
  readonly exited: Promise<Deno.CommandStatus>;
  /** Writes `line` (and a newline) to its standard input. */
  tell(line: string): Promise<void>;
}

const PROGRAM = new URL("./_node.ts", import.meta.url);

/**
 * Starts a node in the cluster `cluster` at `url` (the program `program`, which prints
 * "ready <node>"); resolves once it is ready (bounded: 20 s). Its later lines go to `onLine`
 * (default: printed).
 */
export async function startNode(
  url: string,
  cluster: string,
  program: URL = PROGRAM,
  onLine: (line: string) => void = (line) => console.log(`[node] ${line}`),
): Promise<NodeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-net=127.0.0.1",
      program.href,
      url,
      cluster,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines())
    .getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([
    reader.read(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("the second node was not ready within 20 s")),
        20_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  const match = /^ready (\d+)$/.exec(first.value ?? "");
  if (match === null) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`the second node said ${JSON.stringify(first.value)} instead of "ready"`);
  }
  // The rest of its output is not ours to read: drain it so the pipe never fills.
  const drained = (async () => {
    for (let line = await reader.read(); !line.done; line = await reader.read()) {
      onLine(line.value);
    }
  })();
  const exited = child.status.then(async (status) => {
    await drained;
    return status;
  });
  const stdin = child.stdin.getWriter();
  let stopped = false;
  const node: NodeProcess = {
    node: Number(match[1]),
    pid: child.pid,
    exited,
    kill: (signal) => child.kill(signal),
    freeze: () => freeze(child.pid),
    tell: (line) => stdin.write(new TextEncoder().encode(`${line}\n`)),
    async stop() {
      if (!stopped) {
        stopped = true;
        await stdin.close().catch(() => {});
      }
      await exited;
    },
    async [Symbol.asyncDispose]() {
      if (!stopped) {
        stopped = true;
        await stdin.close().catch(() => {});
        // A frozen node cannot end by itself.
        try {
          child.kill("SIGCONT");
        } catch { /* it has ended */ }
      }
      await exited;
    },
  };
  return node;
}

/** Splits text into lines (without their "\n"). */
function splitLines(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, controller) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) controller.enqueue(line);
    },
    flush(controller) {
      if (rest !== "") controller.enqueue(rest);
    },
  });
}
