/** Actors for the system tests. Each is exported and says where its module is. */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";

@message()
export class Task {
  constructor(readonly value = 0) {}
}

export class Doubler extends Actor<Task | number> {
  static readonly module = import.meta.url;
  @handles(Task)
  onTask(task: Task, sender: ActorRef | null) {
    sender?.send(task.value * 2);
  }
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    sender?.send(n * 2);
  }
}

export class Echo extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}

/** Keeps the bytes it was started with; answers their length. */
export class Keeper extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly data: Uint8Array = new Uint8Array(0)) {
    super();
  }
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send(this.data.length);
  }
}
