/**
 * OpenTelemetry on: a program (_otel_program.ts) runs with `OTEL_DENO=true`, exporting over
 * OTLP http/json to a collector this test serves on 127.0.0.1, which reads the spans and metrics
 * back: one trace per request, from the caller's span through Front (one Worker) to Back
 * (another), and the metrics of what the actors did. Then across nodes: Back in another process
 * of a cluster (on a nats-server of the test's own).
 */
import assert from "node:assert/strict";
import { startNatsServer } from "../remote/_nats_server.ts";
import { CALLS } from "./_otel_program.ts";

/** An OTLP/JSON attribute. */
interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number };
}

interface OtlpSpan {
  /** The service.name of the process that exported it (set here, not by OTLP). */
  service: string;
  name: string;
  status?: { code?: number; message?: string };
  events?: { name: string }[];
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: KeyValue[];
}

interface DataPoint {
  attributes: KeyValue[];
  asDouble?: number;
  asInt?: string | number;
  count?: string | number;
}

interface OtlpMetric {
  name: string;
  sum?: { dataPoints: DataPoint[] };
  gauge?: { dataPoints: DataPoint[] };
  histogram?: { dataPoints: DataPoint[] };
}

/** What the collector received, by signal ("traces", "metrics", "logs"). */
type Received = Map<string, unknown[]>;

/** Serves OTLP/HTTP on 127.0.0.1 (a port of its own) and keeps each request's JSON body. */
function collector(): { server: Deno.HttpServer<Deno.NetAddr>; received: Received } {
  const received: Received = new Map();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const signal = new URL(request.url).pathname.replace("/v1/", "");
    const body = await request.json();
    received.set(signal, [...received.get(signal) ?? [], body]);
    return Response.json({});
  });
  return { server, received };
}

const PROGRAM = new URL("./_otel_program.ts", import.meta.url).pathname;

/** How the program is run: OpenTelemetry on, exporting to the collector at `port`. */
function programCommand(port: number, service: string, args: string[], stdin = false) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1", PROGRAM, ...args],
    env: {
      OTEL_DENO: "true",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: service,
      OTEL_METRIC_EXPORT_INTERVAL: "100",
      NO_COLOR: "1",
    },
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    // Killed if it hangs: the test fails with what it printed.
    signal: AbortSignal.timeout(60_000),
  });
}

/** Runs the program to its end; returns what it printed. */
async function runProgram(port: number, service: string, args: string[] = []): Promise<string> {
  const { code, stdout, stderr } = await programCommand(port, service, args).output();
  const printed = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `${printed}\n${new TextDecoder().decode(stderr)}`);
  return printed;
}

/** Starts the program as the far node; resolves once it said "ready". Disposing ends it. */
async function startFar(port: number, servers: string): Promise<AsyncDisposable> {
  const child = programCommand(port, "far", ["far", servers], true).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  const stop = async () => {
    await child.stdin.close().catch(() => {});
    const [status, errors] = await Promise.all([child.status, stderr]);
    await lines.cancel();
    assert.equal(status.code, 0, `the far node: ${printed}\n${errors}`);
  };
  // Bounded by the command's own timeout: it is killed, and its output ends.
  while (!printed.includes("ready\n")) {
    const chunk = await lines.read();
    if (chunk.done) {
      await stop();
      throw new Error(`the far node ended before it was ready: ${printed}`);
    }
    printed += chunk.value;
  }
  return { [Symbol.asyncDispose]: stop };
}

function spansOf(received: Received): OtlpSpan[] {
  type Resource = { attributes: KeyValue[] };
  return (received.get("traces") ?? []).flatMap((body) =>
    (body as { resourceSpans: { resource: Resource; scopeSpans: { spans: OtlpSpan[] }[] }[] })
      .resourceSpans.flatMap((resource) => {
        const service = String(attribute(resource.resource.attributes, "service.name"));
        return resource.scopeSpans.flatMap((scope) =>
          scope.spans.map((span) => ({ ...span, service }))
        );
      })
  );
}

/**
 * The trace of each of the program's CALLS requests: the caller's `request` span, Front's span
 * (`Greet`) as its child, and Back's (`Relay`) as Front's child.
 */
function requestTraces(
  spans: OtlpSpan[],
): { trace: OtlpSpan[]; front: OtlpSpan; back: OtlpSpan }[] {
  const requests = spans.filter((span) => span.name === "request");
  assert.equal(requests.length, CALLS, spans.map((span) => span.name).join(", "));
  return requests.map((request) => {
    const trace = spans.filter((span) => span.traceId === request.traceId);
    const front = trace.find((span) => span.name === "ringmail handle Greet");
    const back = trace.find((span) => span.name === "ringmail handle Relay");
    assert.ok(front && back, `the trace of ${request.spanId}: ${JSON.stringify(trace)}`);
    assert.equal(front.parentSpanId, request.spanId, "the caller's span is Front's parent");
    assert.equal(back.parentSpanId, front.spanId, "Front's span is Back's parent");
    return { trace, front, back };
  });
}

/** Every metric of ringmail's scope, in the order they were exported. */
function metricsOf(received: Received): OtlpMetric[] {
  return (received.get("metrics") ?? []).flatMap((body) =>
    (body as {
      resourceMetrics: { scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
    }).resourceMetrics.flatMap((resource) =>
      resource.scopeMetrics.filter((scope) => scope.scope.name === "ringmail")
        .flatMap((scope) => scope.metrics)
    )
  );
}

function attribute(attributes: KeyValue[], key: string): string | number | undefined {
  const value = attributes.find((kv) => kv.key === key)?.value;
  if (value === undefined) return undefined;
  return value.stringValue ?? Number(value.intValue ?? value.doubleValue);
}

/** The highest value `name` reported for the data points whose attribute `key` is `value`. */
function highest(metrics: OtlpMetric[], name: string, key?: string, value?: string): number {
  let most = -1;
  for (const metric of metrics.filter((m) => m.name === name)) {
    const points = (metric.sum ?? metric.gauge ?? metric.histogram)?.dataPoints ?? [];
    for (const point of points) {
      if (key !== undefined && attribute(point.attributes, key) !== value) continue;
      most = Math.max(most, Number(point.asDouble ?? point.asInt ?? point.count));
    }
  }
  return most;
}

Deno.test("otel: spans follow each request from the caller through two Workers; metrics count it", async () => {
  const { server, received } = collector();
  try {
    const printed = await runProgram(server.addr.port, "one-process");
    assert.match(printed, /done: UndeliverableError/);
  } finally {
    await server.shutdown();
  }

  const spans = spansOf(received);
  for (const { trace, front, back } of requestTraces(spans)) {
    // Each sends to a Tail in its own Worker (local mail); Front only after an await.
    for (const sender of [front, back]) {
      const tail = trace.find((span) =>
        span.name === "ringmail handle number" && span.parentSpanId === sender.spanId
      );
      assert.ok(tail, `${sender.name}'s Tail's span in ${JSON.stringify(trace)}`);
      const thread = attribute(tail.attributes, "thread.id");
      assert.equal(thread, attribute(sender.attributes, "thread.id"));
    }
    assert.equal(attribute(front.attributes, "ringmail.actor.class"), "Front");
    assert.equal(attribute(back.attributes, "ringmail.actor.name"), "Back");
    const threads = [front, back].map((span) => attribute(span.attributes, "thread.id"));
    assert.notEqual(threads[0], threads[1], "Front and Back ran in Workers of their own");
  }

  const boom = spans.find((span) => span.name === "ringmail handle Boom");
  assert.equal(
    boom?.status?.code,
    2,
    `a failed handler's span is an error: ${JSON.stringify(boom)}`,
  );
  assert.equal(boom.status.message, "RangeError: boom");
  assert.ok(boom.events?.some((event) => event.name === "exception"));

  const metrics = metricsOf(received);
  const class_ = "ringmail.actor.class";
  // Front handled each Greet, the Boom and the message it has no handler for; Back each Relay.
  assert.ok(highest(metrics, "ringmail.messages.handled", class_, "Front") >= CALLS + 2);
  assert.ok(highest(metrics, "ringmail.messages.handled", class_, "Back") >= CALLS);
  assert.equal(
    highest(metrics, "ringmail.dead_letters", "ringmail.dead_letter.kind", "no-handler"),
    1,
  );
  assert.equal(highest(metrics, "ringmail.failures", class_, "Front"), 1);
  assert.equal(highest(metrics, "ringmail.failures", class_, "Back"), 0);
  assert.ok(highest(metrics, "ringmail.actors", class_, "Back") >= 1);
  assert.ok(highest(metrics, "ringmail.mailbox.depth", class_, "Back") >= 0);
  assert.equal(
    highest(metrics, "ringmail.call.duration", "ringmail.call.outcome", "reply"),
    CALLS,
    "a duration for each call that got its reply",
  );
});

Deno.test("otel: a request's trace crosses to an actor of another node", async () => {
  await using nats = await startNatsServer();
  const { server, received } = collector();
  try {
    await using _far = await startFar(server.addr.port, nats.url);
    assert.match(await runProgram(server.addr.port, "near", ["near", nats.url]), /done/);
  } finally {
    await server.shutdown();
  }
  const spans = spansOf(received);
  for (const { front, back } of requestTraces(spans)) {
    assert.deepEqual([front.service, back.service], ["near", "far"]);
  }
  // The link's figures, from inspect() at each collection, by the other node's id.
  const metrics = metricsOf(received);
  const direction = "ringmail.link.direction";
  assert.ok(highest(metrics, "ringmail.link.records", direction, "sent") >= CALLS);
  assert.ok(highest(metrics, "ringmail.link.records", direction, "received") >= CALLS);
  assert.ok(highest(metrics, "ringmail.link.bytes", direction, "sent") > 0);
  assert.equal(highest(metrics, "ringmail.link.up"), 1);
  assert.equal(highest(metrics, "ringmail.cluster.connected"), 1);
});
