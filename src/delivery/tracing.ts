/**
 * The tracing seam: how a trace context (W3C / OpenTelemetry: a 16-byte trace id, an 8-byte span
 * id, flags) travels with a message, so that one request can be followed across actors and
 * Workers. Delivery knows nothing of any tracing library: a thread whose courier has a
 * {@link MessageTracing} asks it for the context of each send (written as the envelope's trailer,
 * see envelope.ts, or kept with local mail) and hands it each handler to run, with the context
 * the message came with. A thread without one (the default) writes no trailer and wraps nothing:
 * its only cost is a field test per send and per handled message.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";

/** A span's identity as it travels: what OpenTelemetry calls a `SpanContext`. */
export interface TraceContext {
  /** 32 lowercase hex digits (16 bytes), not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits (8 bytes), not all zero. */
  readonly spanId: string;
  /** W3C trace flags (bit 0: sampled). */
  readonly traceFlags: number;
}

/** The actor whose handler a {@link MessageTracing} runs. */
export interface TracedActor {
  /** Its ref. */
  readonly self: ActorRef<unknown>;
  /** Its name (its class's, unless spawned with one). */
  readonly name: string;
  /** Its class's name ("" when not known). */
  readonly className: string;
}

/** One thread's tracing of messages (see the module's doc). */
export interface MessageTracing {
  /** The trace context a message sent now carries (the span in progress), or null: none. */
  current(): TraceContext | null;
  /**
   * Runs `handle` (the actor's handler of `message`) as the span of that handling, a child of
   * `parent` (the context the message came with; null: a new trace), and returns what `handle`
   * returns: a promise while an async handler runs (its span ends when it settles).
   */
  handle(
    actor: TracedActor,
    message: unknown,
    parent: TraceContext | null,
    handle: () => void | Promise<void>,
  ): void | Promise<void>;
  /**
   * The handler running now failed with `error` (told while its span is still the active one:
   * in the handler's own call, or in the continuation of its async work).
   */
  failed(error: unknown): void;
}

/** Bytes of a trace context in an envelope: trace id, span id, flags. */
export const TRACE_BYTES = 16 + 8 + 1;

const HEX = "0123456789abcdef";

/** Writes `context` at `b[p]` ({@link TRACE_BYTES} bytes); returns the offset after it. */
export function putTrace(b: Uint8Array, p: number, context: TraceContext): number {
  p = putHex(b, p, context.traceId, 16);
  p = putHex(b, p, context.spanId, 8);
  b[p++] = context.traceFlags & 0xff;
  return p;
}

/** Reads a trace context written by {@link putTrace} at `b[p]`. */
export function readTrace(b: Uint8Array, p: number): TraceContext {
  return {
    traceId: hexOf(b, p, 16),
    spanId: hexOf(b, p + 16, 8),
    traceFlags: b[p + 24],
  };
}

function putHex(b: Uint8Array, p: number, hex: string, bytes: number): number {
  for (let i = 0; i < bytes; i++) {
    b[p++] = (digit(hex.charCodeAt(2 * i)) << 4) | digit(hex.charCodeAt(2 * i + 1));
  }
  return p;
}

/** A hex digit's value; 0 for anything else (a malformed id becomes another id, never a throw). */
function digit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return 0;
}

function hexOf(b: Uint8Array, p: number, bytes: number): string {
  let hex = "";
  for (let i = 0; i < bytes; i++) {
    const v = b[p + i];
    hex += HEX[v >> 4] + HEX[v & 15];
  }
  return hex;
}
