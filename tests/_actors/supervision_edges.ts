/** Actors for tests/actor/supervision_edges_test.ts. */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  type SupervisionStrategy,
  Terminated,
} from "../../mod.ts";
import { Flaky } from "./supervision.ts";

/** Asks a Boss to start a Flaky child (answered with its ref). */
@message()
export class Hire {
  constructor(
    readonly probe: ActorRef<unknown> | null = null,
    readonly label = "kid",
    readonly near = false,
  ) {}
}

/** Asks an actor to watch `target`. */
@message()
export class Observe {
  constructor(readonly target: ActorRef<never> | null = null) {}
}

/**
 * A parent that tells its probe of its own life cycle; "fail" fails it; "stop-and-fail" stops
 * itself then throws; "children" answers its children's count; "ends" its Terminated seen.
 */
export class Boss extends Actor<unknown> {
  static readonly module = import.meta.url;
  static instances = 0;
  readonly #instance = ++Boss.instances;
  readonly #ends: { kind: string; reason: string; slot: number }[] = [];
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  override preStart() {
    this.probe?.send(`boss start ${this.#instance}`);
  }
  override postStop() {
    this.probe?.send(`boss stop ${this.#instance}`);
  }
  @handles(Hire)
  onHire(hire: Hire, sender: ActorRef | null) {
    const kid = hire.near
      ? this.context.spawnWith(Flaky, { near: this.self }, hire.probe, hire.label)
      : this.context.spawn(Flaky, hire.probe, hire.label);
    sender?.send(kid);
  }
  @handles(Observe)
  onObserve(observe: Observe, sender: ActorRef | null) {
    this.context.watch(observe.target!);
    sender?.send("ok");
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push({ kind: end.kind, reason: end.reason, slot: end.actor?.slot ?? -1 });
    this.probe?.send(`boss saw end of ${end.actor?.slot} (${end.kind})`);
  }
  @handles(OtherMessage)
  onText(text: unknown, sender: ActorRef | null) {
    if (text === "fail") throw new Error("the boss was told to fail");
    if (text === "stop-and-fail") {
      this.context.stop();
      throw new Error("the boss stopped, then failed");
    }
    if (text === "children") sender?.send(this.context.children.length);
    else if (text === "hire two") {
      this.context.spawn(Flaky, this.probe, "first");
      this.context.spawn(Flaky, this.probe, "second");
    } else if (text === "ends") sender?.send([...this.#ends]);
    else if (text === "instance") sender?.send(this.#instance);
    else sender?.send(text);
  }
}

export class RestartingBoss extends Boss {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "restart" };
}

export class EscalatingBoss extends Boss {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "escalate" };
}

export class StoppingBoss extends Boss {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "stop" };
}

/** Restarts at most once within `withinMs` = 200. */
export class OnceBoss extends Boss {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "restart",
    maxRestarts: 1,
    withinMs: 200,
  };
}

/** Asks a Chief to start a Boss subclass under it. */
@message()
export class Appoint {
  constructor(
    readonly kind = "escalating",
    readonly probe: ActorRef<unknown> | null = null,
  ) {}
}

/** A grandparent whose strategy restarts its Bosses. */
export class Chief extends Actor<Appoint | string> {
  static readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "restart" };
  @handles(Appoint)
  onAppoint(appoint: Appoint, sender: ActorRef | null) {
    const cls = appoint.kind === "escalating"
      ? EscalatingBoss
      : appoint.kind === "restarting"
      ? RestartingBoss
      : appoint.kind === "stopping"
      ? StoppingBoss
      : Boss;
    sender?.send(this.context.spawn(cls, appoint.probe));
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** Holds the sender of `"wait"` until `"open"`; `"held?"` answers whether one waits. */
export class Gate extends Actor<string> {
  static readonly module = import.meta.url;
  #waiting: ActorRef | null = null;
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "wait") this.#waiting = sender;
    else if (text === "held?") sender?.send(this.#waiting !== null);
    else if (text === "open") {
      this.#waiting?.send("opened");
      this.#waiting = null;
      sender?.send("ok");
    }
  }
}

/** Asks a Keeper to wait at `gate`, then spawn a Flaky child and watch it. */
@message()
export class AfterGate {
  constructor(
    readonly gate: ActorRef<string> | null = null,
    readonly watch = true,
    readonly spawn = true,
  ) {}
}

/**
 * Watches what it is told to; on AfterGate waits (async) at the gate, then spawns a child
 * (watching it when asked) and answers its ref. Records every Terminated with slot and
 * generation; "ends" answers them.
 */
export class Keeper extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #ends: { kind: string; slot: number; generation: number }[] = [];
  @handles(Observe)
  onObserve(observe: Observe, sender: ActorRef | null) {
    this.context.watch(observe.target!);
    sender?.send("ok");
  }
  @handles(Hire)
  onHire(hire: Hire, sender: ActorRef | null) {
    sender?.send(this.context.spawn(Flaky, hire.probe, hire.label));
  }
  @handles(AfterGate)
  async onAfterGate(after: AfterGate, sender: ActorRef | null) {
    await this.context.ask(after.gate!, "wait", { timeout: 20_000 });
    if (!after.spawn) return sender?.send(null);
    const kid = this.context.spawn(Flaky, null, "second");
    if (after.watch) this.context.watch(kid);
    sender?.send(kid);
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push({
      kind: end.kind,
      slot: end.actor?.slot ?? -1,
      generation: end.actor?.generation ?? -1,
    });
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "ends") sender?.send([...this.#ends]);
    else if (text === "children") sender?.send(this.context.children.length);
    else if (text === "fail") throw new Error("the keeper was told to fail");
    else sender?.send(text);
  }
}

export class EscalatingKeeper extends Keeper {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "escalate" };
}
