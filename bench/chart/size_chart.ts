/**
 * The throughput chart: messages per second against message size, one line per series (ringmail,
 * postMessage), both axes logarithmic, each ringmail point marked with its ratio to postMessage
 * at that size. Drawn from cases named "<series> <size> (<n> messages per iteration)", as
 * bench/size_bench.ts names them.
 */
import type { BenchCase } from "./bench_json.ts";
import { COLORS, line, round, svgDocument, text, textWidth, ticks } from "./svg.ts";
import { formatBytes, formatCount, formatRatio, parseBytes } from "./units.ts";

/** One line of the chart: a series' messages per second at each size it was measured at. */
export interface SizeSeries {
  name: string;
  points: { size: number; rate: number }[];
}

const SWEEP_NAME = /^(\S+) (\d+(?:\.\d+)? (?:B|KiB|MiB)) \((\d[\d_,]*) messages per iteration\)$/;

/** The series that postMessage is and the others are compared with. */
export const REFERENCE_SERIES = "postMessage";

/**
 * The size sweeps in `cases`, by bench file: series with at least two sizes measured (failed
 * cases are left out), points by increasing size. Files without such a sweep are absent.
 */
export function sizeSweeps(cases: BenchCase[]): Map<string, SizeSeries[]> {
  const byFile = new Map<string, Map<string, SizeSeries>>();
  for (const benchCase of cases) {
    const match = SWEEP_NAME.exec(benchCase.name);
    if (!match || benchCase.avgNs === null) continue;
    const [, name, sizeText, countText] = match;
    const series = byFile.get(benchCase.file) ?? new Map<string, SizeSeries>();
    byFile.set(benchCase.file, series);
    const line = series.get(name) ?? { name, points: [] };
    series.set(name, line);
    const messages = Number(countText.replace(/[_,]/g, ""));
    line.points.push({ size: parseBytes(sizeText)!, rate: messages / (benchCase.avgNs / 1e9) });
  }
  const sweeps = new Map<string, SizeSeries[]>();
  for (const [file, series] of byFile) {
    const lines = [...series.values()].filter((s) => new Set(s.points.map((p) => p.size)).size > 1);
    for (const s of lines) s.points.sort((a, b) => a.size - b.size);
    if (lines.length > 0) sweeps.set(file, lines);
  }
  return sweeps;
}

const WIDTH = 880;
const HEIGHT = 460;
const LEFT = 78;
const RIGHT = WIDTH - 120;
const TOP = 96;
const BOTTOM = HEIGHT - 62;
// ringmail in the ratio charts' blue, postMessage in their baseline's grey (a shade darker, for
// a line), any other series in the rest.
const SERIES_COLORS: Record<string, string> = { ringmail: COLORS.ringmail, postMessage: "#6e7781" };
const PALETTE = [COLORS.other, "#1a7f37", "#bc4c00"];

function colorOf(name: string, index: number): string {
  return SERIES_COLORS[name] ?? PALETTE[index % PALETTE.length];
}

/** The SVG of one file's size sweep. */
export function renderSizeChart(file: string, series: SizeSeries[], machine: string): string {
  const points = series.flatMap((s) => s.points);
  const sizes = [...new Set(points.map((p) => p.size))].sort((a, b) => a - b);
  const rates = points.map((p) => p.rate);
  const [rateMin, rateMax] = [
    nicePower(Math.min(...rates), "down"),
    nicePower(Math.max(...rates), "up"),
  ];
  const [sizeMin, sizeMax] = [sizes[0], sizes.at(-1)!];
  const x = (size: number) =>
    LEFT + 16 + (RIGHT - LEFT - 32) * Math.log(size / sizeMin) / Math.log(sizeMax / sizeMin);
  const y = (rate: number) =>
    BOTTOM - (BOTTOM - TOP) * Math.log(rate / rateMin) / Math.log(rateMax / rateMin);

  const body: string[] = [
    text(24, 34, "Messages per second by message size, one-way between two Workers", {
      size: 16,
      weight: 600,
    }),
    text(
      24,
      54,
      `${file} · higher is better · both axes log scale · ${machine}`,
      { size: 12, fill: COLORS.muted },
    ),
  ];
  for (const tick of ticks(rateMin, rateMax, true)) {
    body.push(line(LEFT, y(tick), RIGHT, y(tick), COLORS.grid));
    body.push(
      text(LEFT - 8, y(tick) + 4, formatCount(tick), {
        size: 11,
        fill: COLORS.muted,
        anchor: "end",
      }),
    );
  }
  for (const size of sizes) {
    body.push(line(x(size), TOP, x(size), BOTTOM, COLORS.grid));
    body.push(
      text(x(size), BOTTOM + 18, formatBytes(size), {
        size: 11,
        fill: COLORS.muted,
        anchor: "middle",
      }),
    );
  }
  body.push(
    line(LEFT, BOTTOM, RIGHT, BOTTOM, COLORS.axis),
    line(LEFT, TOP, LEFT, BOTTOM, COLORS.axis),
  );
  body.push(
    text((LEFT + RIGHT) / 2, BOTTOM + 42, "message size (bytes carried; log scale)", {
      size: 12,
      fill: COLORS.muted,
      anchor: "middle",
    }),
    `<text transform="translate(20 ${round((TOP + BOTTOM) / 2)}) rotate(-90)" font-size="12" ` +
      `fill="${COLORS.muted}" text-anchor="middle">messages per second (log scale)</text>`,
  );

  const reference = series.find((s) => s.name === REFERENCE_SERIES);
  const ends: { name: string; color: string; y: number }[] = [];
  series.forEach((s, index) => {
    const color = colorOf(s.name, index);
    const path = s.points.map((p, i) => `${i ? "L" : "M"}${round(x(p.size))} ${round(y(p.rate))}`);
    body.push(
      `<path d="${path.join(" ")}" fill="none" stroke="${color}" stroke-width="2.5" ` +
        `stroke-linejoin="round" stroke-linecap="round"/>`,
    );
    for (const p of s.points) {
      const title = `${s.name} ${formatBytes(p.size)}: ${formatCount(p.rate)} msg/s`;
      body.push(
        `<circle cx="${round(x(p.size))}" cy="${round(y(p.rate))}" r="4" fill="${color}" ` +
          `stroke="${COLORS.background}" stroke-width="1.5"><title>${title}</title></circle>`,
      );
      const against = reference?.points.find((r) => r.size === p.size);
      if (s !== reference && against) {
        // Above the point when this series is the faster one, below when slower: away from the
        // other line.
        const above = p.rate >= against.rate;
        body.push(
          text(x(p.size), y(p.rate) + (above ? -10 : 19), formatRatio(p.rate / against.rate), {
            size: 11,
            weight: 600,
            fill: color,
            anchor: "middle",
          }),
        );
      }
    }
    const last = s.points.at(-1)!;
    ends.push({ name: s.name, color, y: y(last.rate) });
  });
  // Each line is named at its right end; names too close are pushed apart.
  ends.sort((a, b) => a.y - b.y);
  for (let i = 1; i < ends.length; i++) ends[i].y = Math.max(ends[i].y, ends[i - 1].y + 16);
  for (const end of ends) {
    body.push(text(RIGHT + 10, end.y + 4, end.name, { size: 13, weight: 600, fill: end.color }));
  }
  if (reference) {
    const note = `× = ratio to ${REFERENCE_SERIES} at that size`;
    body.push(
      text(RIGHT - textWidth(note, 11), TOP - 12, note, { size: 11, fill: COLORS.muted }),
    );
  }
  return svgDocument(WIDTH, HEIGHT, `Messages per second by message size (${file})`, body);
}

/** The power of ten at or below (or above) `value`. */
function nicePower(value: number, direction: "down" | "up"): number {
  const log = Math.log10(value);
  return 10 ** (direction === "down" ? Math.floor(log) : Math.ceil(log));
}
