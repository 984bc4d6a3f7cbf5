/**
 * Actors for tests/system/restart_waiting_calls_test.ts: what a killed, restarted actor's calls
 * come to when its old thread runs on (Deno's `Worker.terminate()` does not stop JavaScript).
 *
 * `Zombie` tells its instances apart by a counter kept in the process's environment (shared by
 * its Workers): the first instance takes what it is sent and answers nothing; later ones wait
 * 1.5 s in `preStart` (so the new instance binds the mailbox late), then answer each string with
 * itself and the instance's number. What a test waits for is signalled the same way.
 */
import { Actor, type ActorRef, handles, message, registerMessage } from "../../mod.ts";

function variable(what: string, key: string): string {
  return `RINGMAIL_TEST_ZOMBIE_${what}_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** Ends the loops of the Zombie instances of `key` (their threads then run on and end). */
export function releaseZombies(key: string): void {
  Deno.env.set(variable("RELEASE", key), "1");
}

/** Lets the Zombie of `key`, held after what its receive() took, take more (see Drain). */
export function letGoOn(key: string): void {
  Deno.env.set(variable("GO_ON", key), "1");
}

/** Whether a Zombie of `key` has begun decoding a SlowToDecode. */
export function decoding(key: string): boolean {
  return Deno.env.get(variable("DECODING", key)) !== undefined;
}

/** What the Zombie of `key` has taken with `receive()` (undefined: nothing yet). */
export function receivedBy(key: string): string | undefined {
  return Deno.env.get(variable("RECEIVED", key));
}

/** A message whose decoding keeps its thread busy for `ms` (it says when it begins). */
export class SlowToDecode {
  constructor(readonly ms = 0, readonly key = "") {}
}
registerMessage(SlowToDecode, {
  name: "tests/restart_waiting/SlowToDecode",
  encode(writer, slow) {
    writer.f64(slow.ms);
    writer.value(slow.key);
  },
  decode(reader) {
    const ms = reader.f64();
    const key = reader.value() as string;
    Deno.env.set(variable("DECODING", key), "1");
    const until = Date.now() + ms;
    while (Date.now() < until) { /* a slow decoder */ }
    return new SlowToDecode(ms, key);
  },
});

/**
 * Makes the Zombie take messages with `receive()`, answering none, until released: after the
 * first it takes, it holds until {@link letGoOn}.
 */
@message()
export class Drain {}

export class Zombie extends Actor<string | SlowToDecode | Drain> {
  static readonly module = import.meta.url;
  readonly #instance: number;
  constructor(readonly key = "") {
    super();
    const count = variable("INSTANCES", key);
    this.#instance = Number(Deno.env.get(count) ?? "0") + 1;
    Deno.env.set(count, String(this.#instance));
  }

  override preStart(): void | Promise<void> {
    if (this.#instance === 1) return;
    return new Promise((resolve) => setTimeout(resolve, 1500));
  }

  @handles(String)
  onText(text: string, sender: ActorRef | null): void | Promise<void> {
    if (this.#instance === 1 && text !== "id") return new Promise(() => {});
    sender?.send(`${text} (instance ${this.#instance})`);
  }

  @handles(SlowToDecode)
  onSlow(_: SlowToDecode, sender: ActorRef | null): void | Promise<void> {
    if (this.#instance === 1) return new Promise(() => {});
    sender?.send(`slow (instance ${this.#instance})`);
  }

  /** Answers, then takes messages with receive() until released, saying what it took. */
  @handles(Drain)
  onDrain(_: Drain, sender: ActorRef | null): void {
    sender?.send("draining");
    const released = variable("RELEASE", this.key);
    const received = variable("RECEIVED", this.key);
    const goOn = variable("GO_ON", this.key);
    while (Deno.env.get(released) === undefined) {
      const got = this.context.receive(20);
      if (got === null) continue;
      const taken = Deno.env.get(received);
      Deno.env.set(received, taken === undefined ? String(got.message) : `${taken},${got.message}`);
      while (Deno.env.get(goOn) === undefined && Deno.env.get(released) === undefined) {
        /* held: what is sent meanwhile waits in the mailbox */
      }
    }
  }
}

/** Asks `target` for `text`. */
@message()
export class AskIt {
  constructor(readonly target: ActorRef<string> | null = null, readonly text = "") {}
}

/** Asks as each AskIt says, and answers with the reply, or the error's name and message. */
export class Asker extends Actor<AskIt> {
  static readonly module = import.meta.url;
  @handles(AskIt)
  async onAskIt(request: AskIt, sender: ActorRef | null): Promise<void> {
    try {
      const reply = await this.context.ask(request.target!, request.text, { timeout: 10_000 });
      sender?.send(`reply: ${reply}`);
    } catch (error) {
      sender?.send(`error: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
