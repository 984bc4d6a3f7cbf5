/** Actors that use timers, for the timer tests. */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  ReceiveTimeout,
  Stop,
  type Timer,
} from "../../mod.ts";

/** Asks a Scheduler to send `target` one message per delay, cancelling those listed. */
@message()
export class Plan {
  constructor(
    readonly target: ActorRef | null = null,
    readonly delays: readonly number[] = [],
    readonly cancel: readonly number[] = [],
  ) {}
}

/** Sends `target` a tick every `interval` ms, `count` times, then cancels. */
@message()
export class Repeat {
  constructor(readonly target: ActorRef | null = null, readonly interval = 0, readonly count = 0) {}
}

export class Scheduler extends Actor<Plan | Repeat | string> {
  static readonly module = import.meta.url;
  #repeating: Timer | null = null;
  #ticks = 0;
  #repeat: Repeat | null = null;

  /**
   * Answers each timer's `active` after the cancels, and the clock read just before and just
   * after each `sendAfter`: its deadline is its delay past a moment between the two (a handler
   * may be held up between two timers, on a loaded machine for longer than their delays differ).
   */
  @handles(Plan)
  onPlan(plan: Plan, sender: ActorRef | null) {
    const clock: [number, number][] = [];
    const timers = plan.delays.map((delay, i) => {
      const before = performance.now();
      const timer = this.context.sendAfter(delay, plan.target!, `timer ${i} (${delay} ms)`);
      clock.push([before, performance.now()]);
      return timer;
    });
    for (const i of plan.cancel) timers[i].cancel();
    sender?.send([timers.map((timer) => timer.active), clock]);
  }

  @handles(Repeat)
  onRepeat(repeat: Repeat, sender: ActorRef | null) {
    this.#repeat = repeat;
    this.#repeating = this.context.sendEvery(repeat.interval, this.self, "tick");
    sender?.send("started");
  }

  @handles(String)
  onTick(text: string) {
    // A tick sent before the cancel may still be in the mailbox: ticks count while it runs.
    if (text !== "tick" || this.#repeat === null || !this.#repeating!.active) return;
    this.#ticks++;
    this.#repeat.target!.send(`tick ${this.#ticks}`);
    if (this.#ticks === this.#repeat.count) this.#repeating!.cancel();
  }
}

/** Sets a receive timeout and reports each one to whoever asked. */
export class Sleepy extends Actor<unknown> {
  static readonly module = import.meta.url;
  #reportTo: ActorRef | null = null;
  #timeouts = 0;

  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "watch") {
      this.#reportTo = sender;
      this.context.setReceiveTimeout(30);
    } else if (message === "quiet") {
      this.context.setReceiveTimeout(null);
      sender?.send(this.#timeouts);
    }
  }

  @handles(ReceiveTimeout)
  onTimeout(_: ReceiveTimeout) {
    this.#timeouts++;
    this.#reportTo?.send(`timeout ${this.#timeouts}`);
  }
}

/** Sets a timer far in the future, then stops: the timer must not outlive it. */
export class Forgetful extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    // Due well after the Stop below is handled: a timer already due when its actor stops may
    // fire (the loop fires due timers between messages), one still pending must not.
    if (text === "arm") this.context.sendAfter(250, sender!, "must never arrive");
    this.self.send(new Stop());
  }
}
