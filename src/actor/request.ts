/**
 * Typed request and reply: a request class names the type of its reply, so that a Bridge call
 * (and an actor's `ask`) is typed by what comes back, and the handler's `sender` accepts only
 * that reply. Types only: nothing here exists at run time, nothing travels on the wire.
 *
 * @module
 */

import type { ActorRef } from "./actor_ref.ts";

/**
 * The base class of a request whose reply is an `R`: `bridge.call(ref, new GetInventory())` is
 * then a `Promise<R>` with no type arguments, and a handler that declares its sender as
 * `ReplyTo<GetInventory>` can send it nothing else. A class that extends something else gets
 * the same by declaring the phantom field itself: `declare readonly "~reply": R`.
 *
 * @typeParam R the type of the reply.
 *
 * @example A typed request, its handler and its call
 * ```ts
 * import {
 *   Actor,
 *   ActorSystem,
 *   Bridge,
 *   handles,
 *   message,
 *   type ReplyTo,
 *   Request,
 * } from "@ringmail/actors";
 *
 * @message()
 * export class GetInventory extends Request<number[]> {}
 *
 * export class Warehouse extends Actor<GetInventory> {
 *   static readonly module = import.meta.url;
 *   readonly #inventory = [2, 4, 6];
 *   @handles(GetInventory)
 *   onGetInventory(_: GetInventory, sender: ReplyTo<GetInventory>) {
 *     sender?.send([...this.#inventory]); // sender?.send("six") would not compile
 *   }
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const inventory: number[] = await bridge.call(system.spawn(Warehouse), new GetInventory());
 *   console.log(inventory); // [ 2, 4, 6 ]
 * }
 * ```
 */
export abstract class Request<R> {
  /**
   * The reply's type, for the compiler only: no such field exists or is sent. Not optional: the
   * type of an optional field loses its `undefined`, and a `Request<string | undefined>` would
   * reply a `string`.
   */
  declare readonly "~reply": R;
}

/**
 * The type of the reply to a request of type `Q`: what its `Request<R>` base (or its
 * `"~reply"` phantom field) names, `unknown` for any other message. (A phantom field declared
 * optional, `"~reply"?: R`, names `R` without `undefined`.)
 *
 * @typeParam Q the request's type.
 */
export type ReplyOf<Q> = Q extends { readonly "~reply": infer R } ? unknown extends R ? unknown : R
  : Q extends { readonly "~reply"?: infer R } ? unknown extends R ? unknown : R
  : unknown;

/**
 * The sender of a request of type `Q`, as its handler declares it: a ref that takes only the
 * reply (`null` when the request came from outside any actor, with no one to answer).
 *
 * @typeParam Q the request's type.
 */
export type ReplyTo<Q> = ActorRef<ReplyOf<Q>> | null;
