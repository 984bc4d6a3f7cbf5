/**
 * Spans for ringmail's messages: one per handled message, `ringmail handle <MessageClass>`, a
 * child of the span whose context the message carried (see src/delivery/tracing.ts), so that
 * one request is one trace across actors and Workers. Sends read the active span from the
 * API's context, so a handler's sends carry its span (its async continuations too: Deno keeps
 * the context across awaits), and a Bridge call made inside a span of the caller's is that
 * span's child.
 *
 * @module
 */

import type { MessageTracing, TraceContext, TracedActor } from "../../../mod.ts";
import {
  CONSUMER,
  type Context,
  type ContextManager,
  ERROR,
  type OtelGlobal,
  SCOPE,
  type Span,
  SPAN_KEY,
  type Tracer,
} from "./api.ts";

const INVALID_TRACE_ID = "00000000000000000000000000000000";

/** One thread's tracing through the OpenTelemetry API. */
export class OtelTracing implements MessageTracing {
  readonly #tracer: Tracer;
  readonly #contexts: ContextManager;
  /** The thread's id, an attribute of its spans. */
  readonly #threadId: number;
  /** Whether this thread's handlers get spans (not the system's own thread: its guardian). */
  readonly #spans: boolean;

  constructor(
    api: Required<Pick<OtelGlobal, "trace" | "context">>,
    threadId: number,
    spans: boolean,
  ) {
    this.#tracer = api.trace.getTracer(SCOPE);
    this.#contexts = api.context;
    this.#threadId = threadId;
    this.#spans = spans;
  }

  current(): TraceContext | null {
    const span = this.#contexts.active().getValue(SPAN_KEY) as Span | undefined;
    if (span === undefined) return null;
    const context = span.spanContext();
    return context.traceId === INVALID_TRACE_ID ? null : context;
  }

  handle(
    actor: TracedActor,
    message: unknown,
    parent: TraceContext | null,
    handle: () => void | Promise<void>,
  ): void | Promise<void> {
    if (!this.#spans) return handle();
    const contexts = this.#contexts;
    let context: Context = contexts.active();
    if (parent !== null) context = context.setValue(SPAN_KEY, remoteParent(parent));
    const messageClass = classOf(message);
    const span = this.#tracer.startSpan(`ringmail handle ${messageClass}`, {
      kind: CONSUMER,
      root: parent === null,
      attributes: {
        "ringmail.actor.name": actor.name,
        "ringmail.actor.class": actor.className,
        "ringmail.message.class": messageClass,
        "thread.id": this.#threadId,
      },
    }, context);
    let pending: void | Promise<void>;
    try {
      pending = contexts.with(context.setValue(SPAN_KEY, span), handle);
    } catch (error) {
      span.end();
      throw error;
    }
    if (pending === undefined) span.end();
    else pending.then(() => span.end(), () => span.end());
    return pending;
  }

  failed(error: unknown): void {
    const span = this.#contexts.active().getValue(SPAN_KEY) as Partial<Span> | undefined;
    // Only a span of this thread's (a parent from another thread is known by its context only).
    if (typeof span?.setStatus !== "function" || typeof span.recordException !== "function") {
      return;
    }
    const thrown = error instanceof Error ? error : new Error(String(error));
    span.recordException(thrown);
    span.setStatus({ code: ERROR, message: `${thrown.name}: ${thrown.message}` });
  }
}

/** A parent known only by its context (it ran in another thread): the API's non-recording span. */
function remoteParent(parent: TraceContext): Pick<Span, "spanContext"> {
  const context = { ...parent, isRemote: true };
  return { spanContext: () => context };
}

/**
 * A message's class, for names and attributes: its constructor's name, or its type for a plain
 * value (never the value: span names and attributes must stay few).
 */
export function classOf(message: unknown): string {
  if (message === null) return "null";
  if (typeof message !== "object") return typeof message;
  const constructor = (message as { constructor?: { name?: unknown } }).constructor;
  const name = constructor?.name;
  return typeof name === "string" && name !== "" ? name : "Object";
}
