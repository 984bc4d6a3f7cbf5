/**
 * bench/chart.ts: `deno bench --json` output in, SVG out. Every figure is read back out of the
 * SVG (the ratio and rate labels, the bars' lengths), so what a reader sees is what is checked.
 */
import assert from "node:assert/strict";
import { renderCharts } from "../bench/chart.ts";
import { BenchReportError } from "../bench/chart/bench_json.ts";
import { formatBytes, formatCount, formatRatio, parseBytes } from "../bench/chart/units.ts";

interface FixtureCase {
  file?: string;
  group: string | null;
  name: string;
  /** Mean ns per iteration; `null`: the case failed with "boom". */
  avg: number | null;
  baseline?: boolean;
}

/** What `deno bench --json` writes for these cases (the fields the charts read, and a few more). */
function benchJson(cases: FixtureCase[]): string {
  return JSON.stringify({
    version: 1,
    runtime: "Deno/2.9.6 x86_64-unknown-linux-gnu",
    cpu: "Test CPU",
    benches: cases.map(({ file = "demo_bench.ts", group, name, avg, baseline = false }) => ({
      origin: `file:///repo/bench/${file}`,
      group,
      name,
      baseline,
      results: [
        avg === null
          ? { failed: { name: "Error", message: "boom", exceptionMessage: "Uncaught Error: boom" } }
          : { ok: { n: 10, min: avg, max: avg, avg, p75: avg, p99: avg, highPrecision: true } },
      ],
    })),
  });
}

function draw(cases: FixtureCase[]) {
  return renderCharts([{ source: "fixture.json", json: benchJson(cases) }]);
}

/** The bars of a ratio chart: each one's title ("label: ratio, detail") and width. */
function barsOf(svg: string): { label: string; ratio: number; width: number }[] {
  return [...svg.matchAll(/<rect [^>]*width="([\d.]+)"[^>]*><title>([^<]*): ([\d.]+)×/g)]
    .map(([, width, label, ratio]) => ({ label, ratio: Number(ratio), width: Number(width) }));
}

/** The bold ratio labels written next to the bars, as numbers. */
function ratioLabelsOf(svg: string): number[] {
  return [...svg.matchAll(/<tspan font-weight="600">([\d.]+)×<\/tspan>/g)].map(([, n]) =>
    Number(n)
  );
}

function assertSelfContained(svg: string) {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<rect [^>]*fill="#ffffff"/, "an opaque background, for dark pages");
  assert.doesNotMatch(svg, /href|url\(|@import|<image|<style/, "nothing loaded from elsewhere");
  for (const tag of ["text", "title", "svg"]) {
    const opened = svg.match(new RegExp(`<${tag}[ >]`, "g"))?.length ?? 0;
    assert.equal(opened, svg.match(new RegExp(`</${tag}>`, "g"))?.length ?? 0, `<${tag}> closed`);
  }
}

const ONE_WAY = "one-way 64 B";

Deno.test("bench chart: each case's ratio to its group's baseline, as labelled bars", () => {
  const charts = draw([
    { group: ONE_WAY, name: "postMessage 64 B (1000 per iteration)", avg: 2e6, baseline: true },
    { group: ONE_WAY, name: "ringmail 64 B (1000 per iteration)", avg: 5e5 },
    { group: ONE_WAY, name: "a slow other way (1000 per iteration)", avg: 4e6 },
    { group: "calls", name: "postMessage call", avg: 3000, baseline: true },
    { group: "calls", name: "ringmail call & <reply>", avg: 1000 },
  ]);
  assert.deepEqual(charts.map((chart) => chart.fileName), ["demo_bench.svg"]);
  const svg = charts[0].svg;
  assertSelfContained(svg);
  assert.match(svg, /demo_bench\.ts: each case against its group&#39;s baseline/);
  assert.match(svg, /Deno 2\.9\.6, Test CPU/);
  // Baselines first, then the cases as declared; the "(n per iteration)" is made a rate.
  assert.deepEqual(ratioLabelsOf(svg), [1, 4, 0.5, 1, 3]);
  const bars = barsOf(svg);
  assert.deepEqual(bars.map((bar) => bar.label), [
    "postMessage 64 B",
    "ringmail 64 B",
    "a slow other way",
    "postMessage call",
    "ringmail call &#38; &#60;reply&#62;",
  ]);
  assert.match(svg, /4×<\/tspan><tspan [^>]*>2M\/s</, "1000 per 0.5 ms");
  assert.match(svg, /3×<\/tspan><tspan [^>]*>1 µs per iteration</);
  // A linear axis from 0 (4× over 0.5× is under 20×): bar lengths in proportion to the ratios.
  assert.doesNotMatch(svg, /log scale/);
  const unit = bars[0].width;
  for (const bar of bars) assert.ok(Math.abs(bar.width / unit - bar.ratio) < 0.01, bar.label);
  assert.match(svg, /dashed: 1×, the baseline itself/);
  assert.match(svg, /fill="#0969da"/, "ringmail's colour");
});

Deno.test("bench chart: ratios spanning over 20× are drawn on a log scale", () => {
  const [chart] = draw([
    { group: "g", name: "baseline", avg: 1000, baseline: true },
    { group: "g", name: "ringmail", avg: 10 },
    { group: "g", name: "slower", avg: 2000 },
  ]);
  assert.match(chart.svg, /log scale/);
  assert.deepEqual(ratioLabelsOf(chart.svg), [1, 100, 0.5]);
  const [baseline, fast, slow] = barsOf(chart.svg);
  // From the 1× line: a hundredfold is twice as long as a tenfold would be, and 0.5× goes left.
  assert.ok(baseline.width <= 3, "the baseline is only a mark at 1×");
  const xOf = (svg: string, label: string) =>
    Number(new RegExp(`<rect x="([\\d.]+)"[^>]*><title>${label}:`).exec(svg)![1]);
  assert.ok(xOf(chart.svg, "slower") < xOf(chart.svg, "ringmail"));
  assert.ok(fast.width > 6 * slow.width, `log: 100× is 6.6 times 0.5×'s length from 1×`);
});

Deno.test("bench chart: a failed case is named as failed, and a group without baseline is left out", () => {
  const [chart] = draw([
    { group: "kept", name: "base", avg: 100, baseline: true },
    { group: "kept", name: "ringmail broken", avg: null },
    { group: "no baseline here", name: "alone", avg: 50 },
    { group: null, name: "ungrouped", avg: 50 },
    { group: "failed baseline", name: "base that failed", avg: null, baseline: true },
    { group: "failed baseline", name: "ringmail fine", avg: 10 },
  ]);
  const svg = chart.svg;
  assert.match(svg, />ringmail broken</);
  assert.match(svg, /fill="#cf222e">failed: boom</);
  assert.match(svg, />failed: boom</);
  assert.match(svg, />no ratio: the baseline failed</);
  assert.doesNotMatch(svg, /no baseline here|alone|ungrouped/);
  assert.deepEqual(barsOf(svg).map((bar) => bar.label), ["base"]);
});

Deno.test("bench chart: messages per second against size, ringmail against postMessage", () => {
  const sweep: FixtureCase[] = [];
  for (
    const [size, postMessageNs, ringmailNs] of [[16, 4e6, 1e6], [1024, 5e6, 2e6], [65536, 2e7, 1e7]]
  ) {
    const label = formatBytes(size);
    const group = `one-way ${label}`;
    const file = "size_bench.ts";
    sweep.push(
      {
        file,
        group,
        name: `postMessage ${label} (2000 messages per iteration)`,
        avg: postMessageNs,
        baseline: true,
      },
      { file, group, name: `ringmail ${label} (2000 messages per iteration)`, avg: ringmailNs },
    );
  }
  const charts = draw(sweep);
  assert.deepEqual(charts.map((c) => c.fileName), ["size_bench.svg", "size_bench-by-size.svg"]);
  const svg = charts[1].svg;
  assertSelfContained(svg);
  const points = [
    ...svg.matchAll(/<circle [^>]*><title>(\S+) ([\d.]+ K?i?B): ([\d.]+[kM]?) msg\/s</g),
  ]
    .map(([, series, size, rate]) => `${series} ${size} ${rate}`);
  assert.deepEqual(points, [
    "postMessage 16 B 500k",
    "postMessage 1 KiB 400k",
    "postMessage 64 KiB 100k",
    "ringmail 16 B 2M",
    "ringmail 1 KiB 1M",
    "ringmail 64 KiB 200k",
  ]);
  // Each ringmail point carries its ratio to postMessage at that size.
  const ratios = [...svg.matchAll(/fill="#0969da" text-anchor="middle">([\d.]+)×</g)].map(([, r]) =>
    Number(r)
  );
  assert.deepEqual(ratios, [4, 2.5, 2]);
  for (const tick of ["16 B", "1 KiB", "64 KiB", "100k", "1M"]) {
    assert.match(svg, new RegExp(`>${tick}<`));
  }
  // Higher rates are drawn higher: ringmail's 16 B point above postMessage's.
  const cy = (series: string, size: string) =>
    Number(new RegExp(`cy="([\\d.]+)"[^>]*><title>${series} ${size}:`).exec(svg)![1]);
  assert.ok(cy("ringmail", "16 B") < cy("postMessage", "16 B"));
});

Deno.test("bench chart: input it cannot draw is refused with what to do", () => {
  const refused = (json: string, pattern: RegExp) =>
    assert.throws(() => renderCharts([{ source: "in.json", json }]), (error: Error) => {
      assert.ok(error instanceof BenchReportError, String(error));
      assert.match(error.message, /^in\.json: /);
      assert.match(error.message, pattern);
      return true;
    });
  refused("", /empty; expected the output of `deno bench --json`/);
  refused("not json", /not JSON/);
  refused('{"version":1,"benches":[]}', /no benchmark in it/);
  refused('{"version":2,"benches":[{}]}', /format version 2/);
  refused(
    benchJson([{ group: "g", name: "no baseline", avg: 5 }]),
    /nothing to draw.*baseline: true/,
  );
  assert.throws(() => renderCharts([]), BenchReportError);
});

Deno.test("bench chart: sizes, ratios and rates are written as a reader expects", () => {
  assert.deepEqual([16, 1024, 65536, 1000, 1 << 20].map(formatBytes), [
    "16 B",
    "1 KiB",
    "64 KiB",
    "1000 B",
    "1 MiB",
  ]);
  assert.deepEqual(["16 B", "1 KiB", "64 KiB", "2 MiB", "1 kB", "x"].map(parseBytes), [
    16,
    1024,
    65536,
    2 << 20,
    undefined,
    undefined,
  ]);
  assert.deepEqual([123.4, 12.44, 1.846, 1, 0.0625].map(formatRatio), [
    "123×",
    "12.4×",
    "1.85×",
    "1×",
    "0.0625×",
  ]);
  assert.deepEqual([950, 12_345, 456_000, 1_234_567].map(formatCount), [
    "950",
    "12.3k",
    "456k",
    "1.23M",
  ]);
});

Deno.test("bench chart: what a bench file logs around the JSON report is skipped", () => {
  const json = JSON.stringify(
    JSON.parse(benchJson([
      { group: "g", name: "base", avg: 100, baseline: true },
      { group: "g", name: "ringmail", avg: 50 },
    ])),
    null,
    2,
  );
  const printed = `top-level log {"not": "it"}\n${json}\nlogged on unload }\n`;
  const [chart] = renderCharts([{ source: "logged.json", json: printed }]);
  assert.deepEqual(ratioLabelsOf(chart.svg), [1, 2]);
});
