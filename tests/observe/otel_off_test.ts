/**
 * OpenTelemetry off costs nothing: without a tracing thread the envelope is byte for byte what
 * it was before trace contexts existed; a system without an observer traces and wraps nothing;
 * and `openTelemetry()` in a process where OpenTelemetry is off (this test's) loads nothing into
 * Workers and reads nothing. With a trace context, the envelope carries it and reads it back.
 */
import assert from "node:assert/strict";
import { ActorRef, ActorSystem, type SystemObserver } from "../../mod.ts";
import { openTelemetry } from "../../otel.ts";
import { CODEC_VERSION, Reader, Writer } from "../../src/codec/mod.ts";
import { Envelope, type TraceContext, writeEnvelope } from "../../src/delivery/mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import type { Courier } from "../../src/actor/mod.ts";

const courier = { node: 0 } as Courier;

function envelopeBytes(trace: TraceContext | null, deadline = 0): Uint8Array {
  const target = new ActorRef(5, 2, 0, courier);
  const sender = new ActorRef(7, 1, 3, courier);
  const writer = new Writer(64).reset();
  writeEnvelope(writer, target, sender, deadline, 0, trace);
  return writer.toBytes();
}

Deno.test("otel off: an envelope without a trace context is the same bytes as ever", () => {
  // The codec version, flags sender | sender tag; target 5.2; sender 7.1, tag 3 (as 3 * 2).
  assert.deepEqual([...envelopeBytes(null)], [(CODEC_VERSION << 4) | 0x05, 5, 2, 7, 1, 6]);
  assert.deepEqual(envelopeBytes(null, 1000).length, 6 + 8);
});

Deno.test("otel: a trace context rides in the envelope's trailer and reads back", () => {
  const trace = {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    traceFlags: 1,
  };
  const bytes = envelopeBytes(trace, 1000);
  assert.equal(
    bytes[0],
    0x80 | (CODEC_VERSION << 4) | 0x05 | 8,
    "the high bit says a trace context follows",
  );
  assert.equal(bytes.length, 6 + 8 + 25);
  const envelope = new Envelope().read(
    new Reader().reset(bytes, 0, bytes.length, courier),
    courier,
    { lastSender: null },
  );
  assert.deepEqual(envelope.trace, trace);
  assert.equal(envelope.deadline, 1000);
  assert.equal(envelope.sender?.tag, 3);
});

Deno.test("otel off: a system without an observer traces nothing and wraps no call", async () => {
  await using system = new ActorSystem();
  const host = internalsOf(system).bridgeHost;
  assert.equal(host.courier.tracing, null);
  assert.equal(host.calls, null);
});

Deno.test("otel off: openTelemetry() without OTEL_DENO loads nothing into Workers, reads nothing", async () => {
  const observer = openTelemetry({ spans: true });
  assert.equal(observer.workerModule, undefined);
  await using system = new ActorSystem({ observer });
  const host = internalsOf(system).bridgeHost;
  assert.equal(host.courier.tracing, null);
  assert.equal(host.calls, null);
});

Deno.test("observer: a malformed one fails where the system is made, saying what to give", () => {
  assert.throws(
    () => new ActorSystem({ observer: {} as SystemObserver }),
    /observer must have an attach\(system\) method: give it openTelemetry\(\)/,
  );
  assert.throws(
    () =>
      new ActorSystem({
        observer: { attach: () => ({ [Symbol.dispose]() {} }), workerModule: "./worker.ts" },
      }),
    /observer.workerModule must be a module's absolute URL/,
  );
});
