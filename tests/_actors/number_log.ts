/** An actor that keeps account of what reaches it, for the tests of delivery across nodes. */
import { Actor, type ActorRef, handles } from "../../mod.ts";

/** Logs the numbers it gets; `"dump"` answers `[the log, how many dumps it got]`. */
export class NumberLog extends Actor<number | string> {
  static readonly module = import.meta.url;
  readonly #log: number[] = [];
  #dumps = 0;

  @handles(Number)
  onNumber(n: number) {
    this.#log.push(n);
  }

  @handles(String)
  onDump(_: string, sender: ActorRef | null) {
    this.#dumps++;
    sender?.send([this.#log, this.#dumps]);
  }
}

/** Takes byte messages slowly: each keeps it busy for `ms` (a receiver whose backlog fills). */
export class SlowSink extends Actor<Uint8Array | string> {
  static readonly module = import.meta.url;
  constructor(readonly ms = 1) {
    super();
  }

  @handles(Uint8Array)
  onBytes() {
    const until = performance.now() + this.ms;
    while (performance.now() < until) { /* busy */ }
  }
}

/** Counts the numbers it gets; as it stops, tells `reportTo` how many (`"tally <n>"`). */
export class Tally extends Actor<number> {
  static readonly module = import.meta.url;
  #count = 0;
  constructor(readonly reportTo: ActorRef<unknown> | null = null) {
    super();
  }

  @handles(Number)
  onNumber() {
    this.#count++;
  }

  override postStop() {
    this.reportTo?.send(`tally ${this.#count}`);
  }
}
