/** What the OpenTelemetry metrics tests share: a meter that records, with no SDK behind it. */
import type { BatchObservableResult, Meter } from "../../src/observe/otel/api.ts";

/** A meter that keeps what each counter was given in all, and each gauge's last value. */
export function recordingMeter() {
  const counted = new Map<string, number>();
  const gauges = new Map<string, number>();
  const callbacks: ((result: BatchObservableResult) => void)[] = [];
  const key = (name: string, attributes?: Record<string, unknown>) =>
    `${name} ${JSON.stringify(attributes ?? {})}`;
  const meter = {
    createCounter: (name: string) => ({
      add: (value: number, attributes?: Record<string, unknown>) =>
        counted.set(key(name, attributes), (counted.get(key(name, attributes)) ?? 0) + value),
    }),
    createGauge: (name: string) => ({
      record: (value: number, attributes?: Record<string, unknown>) =>
        gauges.set(key(name, attributes), value),
    }),
    createHistogram: () => ({ record() {} }),
    createObservableGauge: () => ({}),
    addBatchObservableCallback: (callback: (result: BatchObservableResult) => void) =>
      callbacks.push(callback),
    removeBatchObservableCallback: () => {},
  };
  return {
    meter: meter as unknown as Meter,
    counted: (name: string, attributes: Record<string, unknown>) =>
      counted.get(key(name, attributes)) ?? 0,
    /** What the exporter does at each collection: calls the observable's callbacks. */
    collect: () => callbacks.forEach((callback) => callback({ observe() {} })),
  };
}
