/**
 * OpenTelemetry for ringmail: `openTelemetry()` makes the observer that reports an actor system's
 * metrics (messages handled, mailbox depth, dead letters, failures, restarts, Bridge call
 * latency) and, optionally, a span per handled message whose trace context travels with the
 * message, across actors and Workers. It uses the OpenTelemetry that Deno has built in
 * (`OTEL_DENO=true`), through the API's global registration: no dependency, and a program that
 * does not import this entry loads none of it.
 *
 * @example Turn it on
 * ```ts
 * import { ActorSystem } from "@ringmail/actors";
 * import { openTelemetry } from "@ringmail/actors/otel";
 *
 * // Run with OTEL_DENO=true (and OTEL_EXPORTER_OTLP_ENDPOINT): without it, this does nothing.
 * await using system = new ActorSystem({ observer: openTelemetry({ spans: true }) });
 * ```
 *
 * @module
 */

export { openTelemetry, type OpenTelemetryOptions } from "./src/observe/otel/open_telemetry.ts";
