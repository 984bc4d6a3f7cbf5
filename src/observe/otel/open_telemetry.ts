/**
 * `openTelemetry()`: the observer (see src/system/observer.ts) that reports a system through
 * OpenTelemetry — its metrics always, a span per handled message when asked. With OpenTelemetry
 * off in the process (Deno without `OTEL_DENO=true`, and no SDK registered) it does nothing:
 * no metric is read, no Worker loads anything, no message carries a trace context.
 *
 * @module
 */

import type { ActorSystem, AttachedObserver, SystemObserver } from "../../../mod.ts";
import { otelGlobal, SCOPE } from "./api.ts";
import { SystemMetrics } from "./metrics.ts";
import { OtelTracing } from "./spans.ts";
import type { WorkerOtelOptions } from "./worker.ts";

/** What {@link openTelemetry} reports. */
export interface OpenTelemetryOptions {
  /**
   * A span per handled message, `ringmail handle <MessageClass>`, the child of the span of the
   * message that caused it (its trace context travels in the message's envelope), so a request
   * is one trace across actors and Workers. Default false: metrics only.
   */
  spans?: boolean;
}

/**
 * Reports an actor system through OpenTelemetry; give it as the system's `observer` option and
 * run the program with `OTEL_DENO=true` (Deno then exports over OTLP: see
 * `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_EXPORTER_OTLP_PROTOCOL`).
 *
 * Metrics (read from `system.inspect()` at each export, by actor class): `ringmail.messages.handled`,
 * `ringmail.failures`, `ringmail.restarts`, `ringmail.actors`, `ringmail.mailbox.depth` (the
 * deepest mailbox of the class), `ringmail.mailbox.waiting`, `ringmail.dead_letters` (by kind),
 * `ringmail.bridge.pending_calls`, `ringmail.workers`; in a cluster, by the other node's id,
 * `ringmail.link.records` and `ringmail.link.bytes` (by direction), `ringmail.link.credit_stalls`,
 * `ringmail.link.credit_stalled` (s), `ringmail.link.credit_waiting`, `ringmail.link.round_trip`
 * (s, smoothed), `ringmail.link.up`, and `ringmail.cluster.connected` (this node's connection to
 * the NATS server: 1 or 0); and `ringmail.call.duration`, a histogram of Bridge calls in seconds.
 *
 * @param options `spans: true` for a span per handled message.
 * @returns the observer: give it to one system.
 *
 * @example Metrics and spans of one system
 * ```ts
 * import { ActorSystem } from "@ringmail/actors";
 * import { openTelemetry } from "@ringmail/actors/otel";
 *
 * await using system = new ActorSystem({ observer: openTelemetry({ spans: true }) });
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): SystemObserver {
  const api = otelGlobal();
  const trace = api.trace;
  const context = api.context;
  const spans = options.spans === true && trace !== undefined && context !== undefined;
  const workerOptions: WorkerOtelOptions = { spans };
  return {
    workerModule: spans ? new URL("./worker.ts", import.meta.url).href : undefined,
    workerOptions,
    attach(system: ActorSystem): AttachedObserver {
      const metrics = api.metrics === undefined
        ? null
        : new SystemMetrics(system, api.metrics.getMeter(SCOPE));
      return {
        // The system's thread sends with the caller's active span; its guardian gets no spans.
        tracing: spans ? new OtelTracing({ trace, context }, 0, false) : null,
        calls: metrics?.calls() ?? null,
        [Symbol.dispose]() {
          metrics?.[Symbol.dispose]();
        },
      };
    },
  };
}
