/**
 * Compile-time checks: `deno test` type-checks this file, so each `@ts-expect-error` line must
 * be an error, or the test run fails. The functions are never called.
 */
import assert from "node:assert/strict";
import {
  Actor,
  type ActorRef,
  type ActorSystem,
  type Bridge,
  handles,
  OtherMessage,
  type ReplyTo,
  Request,
  Stop,
  type Stopped,
} from "../../mod.ts";
import { Doubler, Echo, Task } from "../_actors/basic.ts";
import { Configured } from "../_actors/behaviours.ts";

/** A request whose reply is a list of numbers. */
class GetStock extends Request<number[]> {}
/** A request whose reply may be `undefined`: nothing found. */
class Find extends Request<string | undefined> {}

export function typedRefs(system: ActorSystem, bridge: Bridge): void {
  const doubler = system.spawn(Doubler);
  doubler.send(new Task(1));
  doubler.send(2);
  doubler.send(new Stop()); // every actor accepts Stop
  // @ts-expect-error Doubler does not accept strings
  doubler.send("three");
  // @ts-expect-error nor arbitrary objects
  doubler.send({ amount: 4 });
  bridge.call(doubler, new Task(5));
  // @ts-expect-error a call's request is checked against the target's messages too
  bridge.call(doubler, "six");

  const echo = system.spawn(Echo); // Actor<unknown>: takes anything
  echo.send("anything");
  echo.send({ at: new Date() });

  system.spawn(Configured, "label", { factor: 1, tags: new Set(["a"]) });
  // @ts-expect-error constructor arguments are checked
  system.spawn(Configured, 42);
  // @ts-expect-error and required
  system.spawn(Configured);
}

/** Never called: it only has to type-check (and its class would refuse two Task handlers). */
export function typedHandlers(): unknown {
  class TypedHandlers extends Actor<Task | string> {
    static readonly module = import.meta.url;
    @handles(Task)
    onTask(task: Task, sender: ActorRef | null) {
      sender?.send(task.value);
    }
    @handles(String)
    onString(text: string) {
      return text.length;
    }
    // @ts-expect-error a handler's parameter must take the handled type
    @handles(Task)
    onWrong(text: string) {
      return text;
    }
    @handles(OtherMessage)
    onOther(message: unknown) {
      return message;
    }
  }
  return TypedHandlers;
}

/** Never called: a handler of a generic builtin declares its elements, as its actor's M says. */
export function builtinHandlers(): unknown {
  class Lists extends Actor<number[] | Map<string, number> | Set<string>> {
    static readonly module = import.meta.url;
    @handles(Array)
    onList(list: number[]) {
      return list.reduce((sum, n) => sum + n, 0);
    }
    @handles(Map)
    onMap(map: Map<string, number>) {
      return map.get("a");
    }
    @handles(Set)
    onSet(set: ReadonlySet<string>) {
      return set.has("a");
    }
    // @ts-expect-error an Array handler takes arrays, not strings
    @handles(Array)
    onNotList(text: string) {
      return text;
    }
  }
  return Lists;
}

/** Never called: `@handles` goes on instance methods of actor classes only. */
export function handlerPlaces(): unknown[] {
  class StaticHandler extends Actor<string> {
    // @ts-expect-error a static method handles nothing (TypeError when the class is defined)
    @handles(String)
    static onString(_: string) {}
  }
  return [StaticHandler];
}

/** Never called: a request names its reply's type, the call and the handler's sender use it. */
export async function typedReplies(system: ActorSystem, bridge: Bridge): Promise<void> {
  class Shop extends Actor<GetStock | string> {
    static readonly module = import.meta.url;
    @handles(GetStock)
    onGetStock(_: GetStock, sender: ReplyTo<GetStock>) {
      sender?.send([1, 2]);
      // @ts-expect-error the sender of a GetStock takes only its reply, number[]
      sender?.send("two");
    }
  }
  const shop = system.spawn(Shop);
  const stock: number[] = await bridge.call(shop, new GetStock());
  // @ts-expect-error the reply is a number[], not a string
  const wrong: string = await bridge.call(shop, new GetStock());
  const untyped: string = await bridge.call(shop, "a string request"); // unknown: yours to name
  const stopped: Stopped = await bridge.call(shop, new Stop()); // Stop is a Request<Stopped>
  const orDefault: number[] | "none" = await bridge.call(shop, new GetStock(), { default: "none" });
  for await (const result of bridge.multiCall([[shop, new GetStock()], [shop, "x"]])) {
    const index: number = result.index; // which request of the list it answers
    const mixed: unknown = result.reply; // requests of several kinds: replies of any
    // @ts-expect-error so it is not a number[] without a look
    const notStock: number[] | undefined = result.reply;
    void [index, mixed, notStock];
  }
  for await (
    const { reply } of bridge.multiCall([[shop, new GetStock()], [shop, new GetStock()]])
  ) {
    const typed: number[] | undefined = reply; // one Request<number[]> class: number[] replies
    // @ts-expect-error the reply is a number[], not a string
    const wrongReply: string | undefined = reply;
    void [typed, wrongReply];
  }
  const pairs = [[shop, new GetStock()]] as const;
  for await (const { reply } of bridge.multiCall(pairs, { default: "none" as const })) {
    const withDefault: number[] | "none" | undefined = reply; // the default joins the replies
    void withDefault;
  }
  const doubler = system.spawn(Doubler);
  // @ts-expect-error each request is checked against its target's messages, as a call's is
  bridge.multiCall([[doubler, "six"]]);
  // @ts-expect-error also next to requests its target takes
  bridge.multiCall([[shop, new GetStock()], [doubler, new GetStock()]]);
  bridge.multiCall([[shop, new GetStock()], [doubler, new Task(1)], [doubler, 2]]);
  const refs: ActorRef<Task | number | Stop>[] = [doubler];
  bridge.multiCall(refs.map((ref) => [ref, new Task(2)] as const));
  for await (const { reply } of bridge.multiCall<string>([[shop, "x"], [shop, "y"]])) {
    const named: string | undefined = reply; // named by the caller, as before
    void named;
  }
  class Finder extends Actor<Find> {
    static readonly module = import.meta.url;
    @handles(Find)
    onFind(_: Find, sender: ReplyTo<Find>) {
      sender?.send(undefined); // nothing found
    }
  }
  const found = await bridge.call(system.spawn(Finder), new Find());
  // @ts-expect-error a Request<string | undefined> may reply undefined: not a string
  const notFound: string = found;
  const maybe: string | undefined = found;
  void [stock, wrong, untyped, stopped, orDefault, notFound, maybe];
}

/** Never called: an ask from inside an actor is typed by its request, as a Bridge call is. */
export function typedAsks(): unknown {
  class Buyer extends Actor<string> {
    static readonly module = import.meta.url;
    constructor(readonly shop: ActorRef<GetStock | string>) {
      super();
    }
    @handles(String)
    async onString(_: string) {
      const stock: number[] = await this.context.ask(this.shop, new GetStock());
      // @ts-expect-error the reply is a number[], not a string
      const wrong: string = await this.context.ask(this.shop, new GetStock(), { timeout: 100 });
      const untyped: string = await this.context.ask(this.shop, "a string request");
      // @ts-expect-error the request is checked against the target's messages
      await this.context.ask(this.shop, 42);
      this.context.pipeToSelf(Promise.resolve(1), (n, error) => `${n ?? error}`);
      // @ts-expect-error what the map makes is sent to the actor itself: one of its messages
      this.context.pipeToSelf(Promise.resolve(1), (n) => n);
      void [stock, wrong, untyped];
    }
  }
  return Buyer;
}

/** Never called: the actor's own names cannot be taken, by handlers or by members. */
export function reservedNames(): unknown[] {
  class HandlerNamedContext extends Actor<string> {
    // @ts-expect-error the class is no Actor any more: its `context` is no ActorContext
    @handles(String)
    // @ts-expect-error `context` is the actor's own (ActorDefinitionError at run time too)
    context(_: string) {}
  }
  class HandlerNamedPreStart extends Actor<string> {
    // @ts-expect-error the class is no Actor any more: its `preStart` takes a message
    @handles(String)
    // @ts-expect-error `preStart` is the actor's lifecycle hook, which takes no message
    override preStart(_: string) {}
  }
  class FieldNamedSelf extends Actor<string> {
    // @ts-expect-error `self` is the actor's own ref
    self = "me";
  }
  class FreeNames extends Actor<string> {
    // The names of the seed and of everyday handlers are the user's.
    @handles(String)
    onStart(_: string) {}
    name = "free";
    send() {}
    watch() {}
    receive() {}
    children: string[] = [];
  }
  class NotAnActor {
    // @ts-expect-error a handler of a class that is no actor would never be called
    @handles(String)
    onString(_: string) {}
  }
  return [HandlerNamedContext, HandlerNamedPreStart, FieldNamedSelf, FreeNames, NotAnActor];
}

export function typedBecome(): unknown {
  class Counter extends Actor<number | "reset"> {
    @handles(OtherMessage)
    onAny() {
      // A behaviour takes the actor's messages.
      this.context.become((message: number | "reset", sender: ActorRef | null) => {
        sender?.send(message);
      }, { discardOld: false });
      this.context.become(async (message) => await Promise.resolve(message));
      // @ts-expect-error a behaviour for other messages than the actor's
      this.context.become((message: Date) => message.getTime());
      // @ts-expect-error discardOld is a boolean
      this.context.become(() => {}, { discardOld: "no" });
      this.context.unbecome();
    }
  }
  return Counter;
}

Deno.test("types: this file type-checks, so the errors above are caught at compile time", () => {
  assert.equal(typeof typedRefs, "function");
  assert.equal(typeof typedHandlers, "function");
  assert.equal(typeof handlerPlaces, "function");
  assert.equal(typeof builtinHandlers, "function");
  assert.equal(typeof reservedNames, "function");
  assert.equal(typeof typedReplies, "function");
  assert.equal(typeof typedAsks, "function");
  assert.equal(typeof typedBecome, "function");
});
