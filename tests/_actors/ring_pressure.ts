/**
 * Review actors (ring stress): a Sink that records every numbered message it gets per sender,
 * and Pumps that send seeded streams of messages of varying sizes, in chunks, counting the sends
 * that threw.
 */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";

/** A numbered message from sender `s`, padded with `pad`. */
@message()
export class Msg {
  constructor(readonly s = "", readonly q = 0, readonly pad = "") {}
}

/** Asks a Sink for what it got. */
@message()
export class Tally {}

/** What a Sink got: per sender, the seqs in the order they arrived. */
export interface SinkReport {
  got: Record<string, number[]>;
  other: number;
  wrong?: string[];
}

export class Sink extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #got = new Map<string, number[]>();
  #other = 0;
  readonly #wrong: string[] = [];
  constructor(
    readonly busyEveryMs = 0,
    readonly reportTo: ActorRef | null = null,
    readonly label = "",
    readonly busyEachMs = 0,
    readonly ackTo: ActorRef | null = null,
  ) {
    super();
  }
  override postStop() {
    this.reportTo?.send({
      got: Object.fromEntries(this.#got),
      other: this.#other,
      wrong: this.#wrong,
    });
  }

  @handles(Msg)
  onMsg(m: Msg) {
    if (this.label !== "" && !m.s.endsWith("@" + this.label) && this.#wrong.length < 20) {
      this.#wrong.push(`${this.label} got ${m.s}#${m.q}`);
    }
    let list = this.#got.get(m.s);
    if (list === undefined) this.#got.set(m.s, list = []);
    list.push(m.q);
    this.ackTo?.send([m.s, m.q]);
    if (this.busyEachMs > 0) {
      const until = Date.now() + this.busyEachMs;
      while (Date.now() < until) { /* busy: the Worker reads nothing meanwhile */ }
    }
    if (this.busyEveryMs > 0 && m.q % 50 === 0) {
      const until = Date.now() + this.busyEveryMs;
      while (Date.now() < until) { /* busy */ }
    }
  }
  @handles(Tally)
  onTally(_: Tally, sender: ActorRef | null) {
    sender?.send(
      {
        got: Object.fromEntries(this.#got),
        other: this.#other,
        wrong: this.#wrong,
      } satisfies SinkReport,
    );
  }
  @handles(OtherMessage)
  onOther(m: unknown, sender: ActorRef | null) {
    if (m === "boom") throw new Error("boom (review)");
    if (typeof m === "string" && m.startsWith("busy:")) {
      sender?.send("busy"); // answered at once: the Worker is busy from now on
      const until = Date.now() + Number(m.slice(5));
      while (Date.now() < until) { /* busy: the Worker reads nothing meanwhile */ }
      return;
    }
    this.#other++;
    sender?.send("ok");
  }
}

/** Asks a Pump to send `count` Msgs named `name` to `target`, `chunk` per turn. */
@message()
export class PumpJob {
  constructor(
    readonly target: ActorRef | null = null,
    readonly name = "",
    readonly count = 0,
    readonly chunk = 50,
    readonly seed = 1,
    readonly minPad = 0,
    readonly maxPad = 300,
  ) {}
}

@message()
class Go {}

/** What a Pump did: the seqs whose send threw, with the errors' class names. */
export interface PumpOutcome {
  name: string;
  sent: number;
  threw: number[];
  errors: string[];
  took?: number[];
}

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function padOf(rand: () => number, min: number, max: number): string {
  return "x".repeat(min + Math.floor(rand() * (max - min + 1)));
}

export class Pump extends Actor<PumpJob | Go> {
  static readonly module = import.meta.url;
  #job: PumpJob | null = null;
  #asker: ActorRef | null = null;
  #next = 0;
  #rand: () => number = Math.random;
  readonly #threw: number[] = [];
  readonly #errors: string[] = [];
  readonly #took: number[] = [];

  @handles(PumpJob)
  onJob(job: PumpJob, sender: ActorRef | null) {
    this.#job = job;
    this.#asker = sender;
    this.#next = 0;
    this.#rand = prng(job.seed);
    this.#step();
  }
  @handles(Go)
  onGo() {
    this.#step();
  }
  #step() {
    const job = this.#job!;
    const end = Math.min(job.count, this.#next + job.chunk);
    for (; this.#next < end; this.#next++) {
      const pad = padOf(this.#rand, job.minPad, job.maxPad);
      const began = performance.now();
      try {
        job.target!.send(new Msg(job.name, this.#next, pad));
        const took = performance.now() - began;
        if (took > 100 && this.#took.length < 50) this.#took.push(this.#next, Math.round(took));
      } catch (error) {
        this.#threw.push(this.#next);
        this.#took.push(this.#next, -Math.round(performance.now() - began));
        if (this.#errors.length < 5) this.#errors.push(String(error).slice(0, 200));
      }
    }
    if (this.#next < job.count) this.self.send(new Go());
    else {
      this.#asker?.send(
        {
          name: job.name,
          sent: job.count,
          threw: this.#threw,
          errors: this.#errors,
          took: this.#took,
        } satisfies PumpOutcome,
      );
    }
  }
}

/** Keeps the reports Sinks send as they stop; answers a Tally with them merged, in order. */
export class Collector extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #got = new Map<string, number[]>();
  readonly #wrong: string[] = [];
  #reports = 0;
  @handles(Tally)
  onTally(_: Tally, sender: ActorRef | null) {
    sender?.send(
      {
        got: Object.fromEntries(this.#got),
        other: this.#reports,
        wrong: this.#wrong,
      } satisfies SinkReport,
    );
  }
  @handles(OtherMessage)
  onReport(message: unknown) {
    if (Array.isArray(message)) {
      const [name, q] = message as [string, number];
      const mine = this.#got.get(name) ?? [];
      mine.push(q);
      this.#got.set(name, mine);
      return;
    }
    const report = message as SinkReport;
    this.#reports++;
    this.#wrong.push(...(report.wrong ?? []));
    for (const [name, list] of Object.entries(report.got)) {
      const mine = this.#got.get(name) ?? [];
      mine.push(...list);
      this.#got.set(name, mine);
    }
  }
}

/** Asks a Mesh to send `count` Msgs to each of `targets`, interleaved, `chunk` per turn. */
@message()
export class MeshJob {
  constructor(
    readonly targets: ActorRef[] = [],
    readonly label = "",
    readonly count = 0,
    readonly chunk = 20,
    readonly seed = 1,
    readonly minPad = 0,
    readonly maxPad = 200,
  ) {}
}

@message()
class MeshGo {}

/** A Sink that also sends (see MeshJob); answers the job with the seqs whose send threw. */
export class Mesh extends Sink {
  static override readonly module = import.meta.url;
  #job: MeshJob | null = null;
  #asker: ActorRef | null = null;
  #next = 0;
  #rand: () => number = Math.random;
  readonly #threw: Record<string, number[]> = {};
  readonly #errors: string[] = [];
  #slow = 0;
  #slowMs = 0;

  @handles(MeshJob)
  onMeshJob(job: MeshJob, sender: ActorRef | null) {
    this.#job = job;
    this.#asker = sender;
    this.#rand = prng(job.seed);
    this.#step();
  }
  @handles(MeshGo)
  onMeshGo() {
    this.#step();
  }
  #step() {
    const job = this.#job!;
    const end = Math.min(job.count, this.#next + job.chunk);
    for (; this.#next < end; this.#next++) {
      for (let j = 0; j < job.targets.length; j++) {
        const name = `${job.label}>${j}`;
        const began = performance.now();
        try {
          job.targets[j].send(new Msg(name, this.#next, padOf(this.#rand, job.minPad, job.maxPad)));
          const took = performance.now() - began;
          if (took > 100) {
            this.#slow++;
            this.#slowMs += took;
          }
        } catch (error) {
          (this.#threw[name] ??= []).push(this.#next);
          if (this.#errors.length < 3) this.#errors.push(String(error).slice(0, 200));
        }
      }
    }
    if (this.#next < job.count) this.self.send(new MeshGo());
    else {
      this.#asker?.send({
        threw: this.#threw,
        errors: this.#errors,
        slow: this.#slow,
        slowMs: Math.round(this.#slowMs),
      });
    }
  }
}
