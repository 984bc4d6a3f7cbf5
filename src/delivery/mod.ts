/**
 * The delivery layer: how a message moves, one thread's view. The courier sends (resolve the
 * ref, local mail or a transport, backlogs), the inbox reads a record back into a message or a
 * dead letter, the receive loop schedules a thread's actors. Above the actor layer's refs and
 * cells, below the system.
 *
 * @module
 */

export { BacklogBytes } from "./backlog_bytes.ts";
export { SystemCourier } from "./courier.ts";
export type { CourierOptions, DeadLetterSink } from "./courier_options.ts";
export { closeAs, CLOSED_AS_WORD } from "./closed_as.ts";
export { describeMessage } from "./describe_message.ts";
export { type HeldFor, HeldTable, takeHeld } from "./held_table.ts";
export { SEND_TIMEOUT_WORD } from "./full_mailbox.ts";
export { Directory, POOL_HEADS_BYTE, SlotState } from "./directory.ts";
export { Envelope, type SenderCache, writeEnvelope } from "./envelope.ts";
export { LOCAL_MAIL_HELD, LocalMail, type LocalReceiver } from "./local_mail.ts";
export { type DrainFilter, Inbox } from "./inbox.ts";
export { MailboxHandle, MailboxHandles } from "./mailbox_handles.ts";
export { ReceiveLoop } from "./receive_loop.ts";
export type { ReceiveLoopOptions, ReplyDesk } from "./loop_options.ts";
export {
  nextTask,
  QUIET_REMOTE_END_MS,
  QUIET_REMOTE_GAP_MS,
  QUIET_REMOTE_RECORDS,
  QUIET_REMOTE_STREAK,
} from "./loop_options.ts";
export { installRefCodec } from "./ref_codec.ts";
export { NO_PROBE, type Probe } from "./probe.ts";
export {
  DELIVERY_POLICIES,
  type DeliveryPolicy,
  POLICY_WORD,
  policyIndex,
  type WhenFull,
} from "./policy.ts";
export { SharedMemoryTransport } from "./shared_memory/transport.ts";
export type { Transport } from "./transport.ts";
export { OUTBOX_HEAD_BYTES, outboxNode, writeOutboxRecord } from "./outbox.ts";
export { isRuntimeAnswer, Undeliverable } from "./undeliverable.ts";
export { type MessageTracing, type TraceContext, type TracedActor } from "./tracing.ts";
export { sentBySystem } from "./system_sender.ts";
