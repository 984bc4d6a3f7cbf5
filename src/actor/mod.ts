/**
 * The actor layer: `Actor`, `@handles`, `OtherMessage`, `Stop`/`Stopped`, refs, the cell (one
 * actor's runtime), supervision and timers. Knows nothing of how messages move or Workers start.
 *
 * @module
 */

export {
  Actor,
  type ActorClass,
  type ActorContext,
  type AskOptions,
  type BecomeOptions,
  type ChildOptions,
  constructActor,
  type MessagesOf,
  type Received,
} from "./actor.ts";
export { ActorCell, STOP_ITSELF } from "./actor_cell.ts";
export { ActorStat, parkedFor, statClock, type StatCounters } from "./actor_stats.ts";
export { prepareFor } from "./async_actor.ts";
export {
  Activity,
  type CellHost,
  type CellLoop,
  CellState,
  isEnding,
  type LocalQueue,
  type Supervision,
} from "./cell_host.ts";
export {
  actorKey,
  ActorNotStartedError,
  ActorRef,
  checkRef,
  type Courier,
  inHandler,
  type SendOptions,
  swapCurrentSender,
} from "./actor_ref.ts";
export { Stash, stashOf } from "./stash.ts";
export { type ReplyOf, type ReplyTo, Request } from "./request.ts";
export {
  classOf,
  type Handler,
  type HandlerDecorator,
  handles,
  type MessageType,
} from "./handles.ts";
export {
  ChildGone,
  DEAD_LETTER_KINDS,
  type DeadLetterKind,
  Failed,
  isRuntimeNotice,
  OtherMessage,
  ReceiveTimeout,
  RequestFailed,
  Stop,
  Stopped,
  Terminated,
  type TerminationKind,
  type Undelivered,
} from "./messages.ts";
export { describeError, messageOf, portableError } from "./portable_error.ts";
export { ActorDefinitionError, StashOverflowError } from "./errors.ts";
export {
  checkStrategy,
  type Directive,
  StrategyCache,
  strategyOf,
  type SupervisionStrategy,
  Supervisor,
} from "./supervision.ts";
export {
  checkDelay,
  checkRepeat,
  type LoopTimer,
  LoopTimers,
  type RepeatOptions,
  type Timer,
} from "./timers.ts";
