/**
 * A private nats-server for one test or bench: loopback only, a port the kernel picks, JetStream
 * with a throwaway store when asked, stopped by its PID. Tests and benches start their own server
 * so they never depend on (or disturb) one a developer has running on 4222.
 *
 * ```ts
 * await using server = await startNatsServer({ jetstream: true });
 * const nc = await connect({ servers: server.url });
 * ```
 */

import { freeze } from "./_freeze.ts";

/** The one command that installs the server (Debian's package); CI runs it when it is missing. */
export const INSTALL_NATS_SERVER = "apt-get install -y nats-server";
/** Where Debian's package puts it: on root's PATH, but not on an ordinary user's. */
const DEBIAN_NATS_SERVER = "/usr/sbin/nats-server";

export interface NatsServerOptions {
  /** Enable JetStream (KV buckets need it), stored in a temporary directory removed on stop. */
  jetstream?: boolean;
  /**
   * The largest message the server takes, in bytes (its `max_payload`; the server's default is
   * 1 MiB): written into a configuration file in a temporary directory removed on stop.
   */
  maxPayload?: number;
  /** How long a start may take before it counts as failed; default 5000 ms. */
  readyTimeoutMs?: number;
  /** The executable; default `nats-server` from PATH, else Debian's /usr/sbin/nats-server. */
  executable?: string;
}

export interface NatsServer extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>`; the same across `restart()`. */
  readonly url: string;
  readonly port: number;
  /** The PID of the current process (a new one after `restart()`). */
  readonly pid: number;
  /** Resolves when the current process exits, whatever ended it. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Sends a raw signal to the current process: SIGKILL, SIGSTOP, SIGCONT, ... */
  kill(signal: Deno.Signal): void;
  /**
   * Stops the current process (SIGSTOP) and resolves once it is stopped: `kill` returns when the
   * signal is sent, and a server running on another core answers a little longer (bounded: 2 s).
   */
  freeze(): Promise<void>;
  /** Ends the process (even a SIGSTOPped one), awaits its exit, removes the JetStream store. */
  stop(): Promise<void>;
  /** Ends the process and starts a new one on the same port with the same JetStream store. */
  restart(): Promise<void>;
}

const STOP_GRACE_MS = 2_000;
const LOG_TAIL_LINES = 40;
const LISTENING = /Listening for client connections on [\d.]+:(\d+)/;

/** Starts nats-server on 127.0.0.1 with a random free port and resolves once it accepts clients. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const executables = options.executable
    ? [options.executable]
    : ["nats-server", DEBIAN_NATS_SERVER];
  const readyTimeoutMs = options.readyTimeoutMs ?? 5_000;
  // One temporary directory for what the server keeps on disk: its JetStream store, its
  // configuration file. Removed on stop.
  const dir = options.jetstream || options.maxPayload !== undefined
    ? await Deno.makeTempDir({ prefix: "ringmail-nats-" })
    : undefined;
  const storeDir = options.jetstream ? dir : undefined;
  const configFile = options.maxPayload !== undefined ? `${dir}/nats.conf` : undefined;
  const launch = (port: number) =>
    launchProcess(executables, serverArgs(port, storeDir, configFile), readyTimeoutMs);
  let current: Launched;
  try {
    if (configFile) await Deno.writeTextFile(configFile, `max_payload: ${options.maxPayload}\n`);
    // -p -1: the server binds a port the kernel picks, so no other process can take it between
    // our choosing it and the server binding it.
    current = await launch(-1);
  } catch (error) {
    if (dir) await Deno.remove(dir, { recursive: true });
    throw error;
  }
  const port = current.port;
  let stopped = false;
  const server: NatsServer = {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.child.pid;
    },
    get exited() {
      return current.exited;
    },
    kill(name) {
      if (!current.hasExited()) signal(current.child.pid, name);
    },
    async freeze() {
      if (!current.hasExited()) await freeze(current.child.pid);
    },
    async stop() {
      await current.end();
      if (stopped) return;
      stopped = true;
      if (dir) await Deno.remove(dir, { recursive: true });
    },
    async restart() {
      if (stopped) throw new Error("restart() after stop(): start a new server instead");
      await current.end();
      current = await launch(port);
    },
    [Symbol.asyncDispose]() {
      return server.stop();
    },
  };
  return server;
}

function serverArgs(
  port: number,
  storeDir: string | undefined,
  configFile: string | undefined,
): string[] {
  // The configuration file first: the flags after it take precedence.
  const args = configFile ? ["-c", configFile] : [];
  args.push("-a", "127.0.0.1", "-p", String(port));
  if (storeDir) args.push("-js", "-sd", storeDir);
  return args;
}

interface Launched {
  child: Deno.ChildProcess;
  port: number;
  exited: Promise<Deno.CommandStatus>;
  hasExited(): boolean;
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and awaits its log's end. */
  end(): Promise<void>;
}

async function launchProcess(
  executables: string[],
  args: string[],
  readyTimeoutMs: number,
): Promise<Launched> {
  const child = spawnFirstFound(executables, args);
  let exitedYet = false;
  const exited = child.status.then((status) => {
    exitedYet = true;
    return status;
  });
  const log = followLog(child.stderr);
  const ready = await withDeadline(
    Promise.race([log.ready, exited.then(() => "exited" as const)]),
    readyTimeoutMs,
  );
  const hasExited = () => exitedYet;
  const end = async () => {
    await endProcess(child.pid, exited, hasExited);
    await log.done;
  };
  if (ready === "exited" || ready === "timeout") {
    await end();
    const why = ready === "exited"
      ? "exited before it was ready"
      : `was not ready within ${readyTimeoutMs} ms`;
    throw new Error(
      `nats-server ${args.join(" ")} ${why}; its log ends:\n${log.tail().join("\n")}`,
    );
  }
  return { child, port: ready, exited, hasExited, end };
}

function spawnFirstFound(executables: string[], args: string[]): Deno.ChildProcess {
  for (const executable of executables) {
    try {
      return new Deno.Command(executable, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  throw new Error(
    `nats-server not found (looked for ${executables.join(", ")}): the remote tests and ` +
      `benches start their own. Install it with: ${INSTALL_NATS_SERVER}`,
  );
}

/**
 * Reads the server's log to its end, which also keeps the pipe drained: a server that cannot write
 * its log blocks. Resolves `ready` with the client port once the server says it is ready.
 */
function followLog(stderr: ReadableStream<Uint8Array>) {
  const lines: string[] = [];
  let port = 0;
  let signalReady: (port: number) => void = () => {};
  const ready = new Promise<number>((resolve) => signalReady = resolve);
  const done = (async () => {
    let pending = "";
    for await (const chunk of stderr.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        lines.push(line);
        if (lines.length > LOG_TAIL_LINES) lines.shift();
        const listening = LISTENING.exec(line);
        if (listening) port = Number(listening[1]);
        if (line.endsWith("Server is ready") && port > 0) signalReady(port);
      }
    }
    if (pending) lines.push(pending);
  })();
  return { ready, done, tail: () => lines };
}

/** `promise`'s value, or "timeout" if it has not settled within `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Signals a process that may have exited a moment ago: that one is already where we want it. */
function signal(pid: number, name: Deno.Signal): void {
  try {
    Deno.kill(pid, name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

async function endProcess(
  pid: number,
  exited: Promise<Deno.CommandStatus>,
  hasExited: () => boolean,
): Promise<void> {
  if (hasExited()) return;
  signal(pid, "SIGTERM");
  // A SIGSTOPped server only acts on SIGTERM once it runs again.
  signal(pid, "SIGCONT");
  if (await withDeadline(exited, STOP_GRACE_MS) === "timeout") signal(pid, "SIGKILL");
  await exited;
}
