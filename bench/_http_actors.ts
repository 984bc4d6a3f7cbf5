/** The actor of bench/http_bench.ts: does a request's work, as the inline handler does. */
import { Actor, handles, message, type ReplyTo, Request } from "../actor.ts";
import { work } from "./_http_work.ts";

/** One request's work, asked of the actor. */
@message()
export class Work extends Request<string> {
  constructor(readonly n = 0) {
    super();
  }
}

export class Handler extends Actor<Work> {
  static readonly module = import.meta.url;
  @handles(Work)
  onWork(request: Work, sender: ReplyTo<Work>) {
    sender?.send(work(request.n));
  }
}
