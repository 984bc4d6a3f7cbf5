/**
 * The little of the OpenTelemetry JS API that ringmail uses, typed by hand, and where it is
 * found: the API's global registration (`Symbol.for("opentelemetry.js.api.1")`), which Deno fills
 * in every isolate — Workers too — when it runs with `OTEL_DENO=true` (and which an
 * OpenTelemetry SDK registered through `npm:@opentelemetry/api` fills as well). Reading it there
 * instead of importing `npm:@opentelemetry/api` keeps this entry free of any dependency.
 *
 * @module
 */

/** A span's identity (the API's `SpanContext`). */
export interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean;
}

/** An attribute's value. */
export type AttributeValue = string | number | boolean;

/** Attributes of a span or a measurement. */
export type Attributes = Record<string, AttributeValue>;

/** A span in progress. */
export interface Span {
  spanContext(): SpanContext;
  setAttribute(key: string, value: AttributeValue): unknown;
  /** `code` 2: ERROR. */
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: { name?: string; message?: string; stack?: string }): void;
  end(): void;
}

/** SpanStatusCode.ERROR. */
export const ERROR = 2;

/** How a span starts. */
export interface SpanOptions {
  kind?: number;
  attributes?: Attributes;
  /** A new trace, whatever the context holds. */
  root?: boolean;
}

/** An immutable map of context values (the API's `Context`). */
export interface Context {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): Context;
}

/** The API's tracer. */
export interface Tracer {
  startSpan(name: string, options?: SpanOptions, context?: Context): Span;
}

/** The API's context manager: which context is active. */
export interface ContextManager {
  active(): Context;
  with<T>(context: Context, fn: () => T): T;
}

/** An observable instrument. */
export type Observable = object;

/** What a batch observable callback records into. */
export interface BatchObservableResult {
  observe(observable: Observable, value: number, attributes?: Attributes): void;
}

/** A histogram, or a gauge: each takes values as they come. */
export interface Histogram {
  record(value: number, attributes?: Attributes): void;
}

/** A counter: takes increments. */
export interface Counter {
  add(value: number, attributes?: Attributes): void;
}

/** How an instrument is described. */
export interface MetricOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/** The API's meter. */
export interface Meter {
  createHistogram(name: string, options?: MetricOptions): Histogram;
  createGauge(name: string, options?: MetricOptions): Histogram;
  createCounter(name: string, options?: MetricOptions): Counter;
  createObservableCounter(name: string, options?: MetricOptions): Observable;
  createObservableGauge(name: string, options?: MetricOptions): Observable;
  addBatchObservableCallback(
    callback: (result: BatchObservableResult) => void,
    observables: Observable[],
  ): void;
  removeBatchObservableCallback(
    callback: (result: BatchObservableResult) => void,
    observables: Observable[],
  ): void;
}

/** The API's global registration: what is on, by signal. */
export interface OtelGlobal {
  readonly trace?: { getTracer(name: string, version?: string): Tracer };
  readonly context?: ContextManager;
  readonly metrics?: { getMeter(name: string, version?: string): Meter };
}

/** The key under which a context holds its span (the API's own). */
export const SPAN_KEY: symbol = Symbol.for("OpenTelemetry Context Key SPAN");

/** The name ringmail's tracer and meter go by. */
export const SCOPE = "ringmail";

/** SpanKind.CONSUMER: a span that handles a message. */
export const CONSUMER = 4;

/** The OpenTelemetry API registered in this isolate; empty when OpenTelemetry is off. */
export function otelGlobal(): OtelGlobal {
  const registered = (globalThis as Record<symbol, unknown>)[
    Symbol.for("opentelemetry.js.api.1")
  ];
  return (registered ?? {}) as OtelGlobal;
}
