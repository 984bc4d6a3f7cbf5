/**
 * The ratio chart of one bench file: for every group with a baseline, a horizontal bar per case
 * showing its speed as a multiple of the baseline's (the baseline's mean time over the case's,
 * as `deno bench` compares them), with a line at 1×. One scale for the whole file, logarithmic
 * when the ratios span more than 20×; then bars grow from 1×, left for slower, right for faster.
 */
import type { BenchCase } from "./bench_json.ts";
import {
  COLORS,
  escapeXml,
  HALO,
  line,
  round,
  svgDocument,
  text,
  textWidth,
  ticks,
  wrapText,
} from "./svg.ts";
import { formatCount, formatNanoseconds, formatRatio } from "./units.ts";

/** What a bar is drawn as: the group's baseline, a ringmail case, or anything else compared. */
export type RowKind = "baseline" | "ringmail" | "other";

/** One case of a group, ready to draw. */
export interface RatioRow {
  label: string;
  kind: RowKind;
  /** Speed against the baseline (> 1: faster); `null` when it or its baseline failed. */
  ratio: number | null;
  /** Its own throughput or time, e.g. "2.1M round trips/s" or "312 ns per iteration". */
  detail: string;
  /** Why there is no bar, when there is none. */
  failure: string | null;
}

export interface RatioGroup {
  title: string;
  rows: RatioRow[];
}

/** Above this spread of ratios (largest over smallest, 1× included), the axis is logarithmic. */
export const LOG_SCALE_SPREAD = 20;

// Cases measuring ringmail, by name: "ringmail …", and its actors ("dedicated actor: spawn …").
const RINGMAIL_CASE = /\bringmail\b|\bactors?\b/i;

// "(20000 per iteration)", "(5000 round trips per iteration)": how much one iteration does.
const PER_ITERATION = /\s*\((\d[\d_,]*)\s*([^()]*?)\s*per iteration\)\s*$/;

/**
 * The groups of `cases` that have a baseline, in the order the bench file declared them, each
 * with its baseline first. Cases without a group, and groups without a baseline, have no ratio.
 */
export function ratioGroups(cases: BenchCase[]): RatioGroup[] {
  const byGroup = new Map<string, BenchCase[]>();
  for (const benchCase of cases) {
    if (benchCase.group === null) continue;
    const members = byGroup.get(benchCase.group) ?? [];
    members.push(benchCase);
    byGroup.set(benchCase.group, members);
  }
  const groups: RatioGroup[] = [];
  for (const [title, members] of byGroup) {
    const baseline = members.find((member) => member.baseline);
    if (!baseline) continue;
    const ordered = [baseline, ...members.filter((member) => member !== baseline)];
    groups.push({ title, rows: ordered.map((member) => rowOf(member, baseline)) });
  }
  return groups;
}

function rowOf(benchCase: BenchCase, baseline: BenchCase): RatioRow {
  const perIteration = PER_ITERATION.exec(benchCase.name);
  const label = perIteration ? benchCase.name.slice(0, perIteration.index) : benchCase.name;
  const kind: RowKind = benchCase.baseline
    ? "baseline"
    : RINGMAIL_CASE.test(benchCase.name)
    ? "ringmail"
    : "other";
  const avg = benchCase.avgNs;
  if (avg === null) {
    return { label, kind, ratio: null, detail: "", failure: `failed: ${benchCase.failure}` };
  }
  if (baseline.avgNs === null) {
    return { label, kind, ratio: null, detail: "", failure: "no ratio: the baseline failed" };
  }
  let detail = `${formatNanoseconds(avg)} per iteration`;
  if (perIteration) {
    const count = Number(perIteration[1].replace(/[_,]/g, ""));
    const what = perIteration[2] === "messages" ? "msg" : perIteration[2];
    detail = `${formatCount(count / (avg / 1e9))} ${what}/s`.replace(" /s", "/s");
  }
  return { label, kind, ratio: baseline.avgNs / avg, detail, failure: null };
}

const WIDTH = 880;
const PAD = 24;
const FONT_SIZE = 12;
const ROW = 24;
const LINE_HEIGHT = 15;
const BAR = 14;
const LABEL_MAX = 300;
const GAP = 12;

/** A horizontal axis of ratios, linear from 0 or logarithmic around 1×. */
interface Scale {
  log: boolean;
  min: number;
  max: number;
  ticks: number[];
  x(ratio: number): number;
}

function scaleFor(ratios: number[], left: number, width: number): Scale {
  const low = Math.min(1, ...ratios);
  const high = Math.max(1, ...ratios);
  const log = high / low > LOG_SCALE_SPREAD;
  if (log) {
    const min = nice(low, "down");
    const max = nice(high, "up");
    const span = Math.log(max / min);
    return {
      log,
      min,
      max,
      ticks: ticks(min, max, true),
      x: (ratio) => left + width * Math.log(ratio / min) / span,
    };
  }
  const marks = ticks(0, high, false);
  const step = marks[1] - marks[0];
  while (marks.at(-1)! < high * 1.02) marks.push(Number((marks.at(-1)! + step).toPrecision(6)));
  const max = marks.at(-1)!;
  return { log, min: 0, max, ticks: marks, x: (ratio) => left + width * ratio / max };
}

/** The nearest 1, 2 or 5 × 10ⁿ below (or above) `value`. */
function nice(value: number, direction: "down" | "up"): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 5, 10].map((step) => step * power);
  return direction === "down"
    ? steps.filter((step) => step <= value * 1.0001).at(-1)!
    : steps.find((step) => step >= value * 0.9999)!;
}

/**
 * The SVG of one file's ratio chart.
 * @param file the bench file's name, for the title.
 * @param machine where it ran, for the subtitle (see `describeMachine`).
 */
export function renderRatioChart(file: string, groups: RatioGroup[], machine: string): string {
  const rows = groups.flatMap((group) => group.rows);
  const labelWidth = Math.min(
    LABEL_MAX,
    Math.max(...rows.map((row) => textWidth(row.label, FONT_SIZE))),
  );
  const valueWidth = Math.max(
    ...rows.map((row) =>
      row.ratio === null ? 0 : textWidth(`${formatRatio(row.ratio)}  ${row.detail}`, FONT_SIZE)
    ),
  );
  const plotLeft = PAD + labelWidth + GAP;
  const plotWidth = WIDTH - PAD - plotLeft - Math.min(valueWidth + 10, 220);
  const ratios = rows.flatMap((row) => row.ratio === null ? [] : [row.ratio]);
  const scale = scaleFor(ratios, plotLeft, plotWidth);

  const body: string[] = [];
  const kinds = new Set(rows.map((row) => row.kind));
  const title = `${file}: each case against its group's baseline`;
  // The legend sits right of the title, or under the subtitle when they would touch.
  const legendBelow = textWidth(title, 16, true) + legendWidth(kinds) + 24 > WIDTH - 2 * PAD;
  body.push(
    text(PAD, 34, title, { size: 16, weight: 600 }),
    text(
      PAD,
      54,
      `baseline's mean time ÷ the case's: right of 1× is faster${
        scale.log ? " · log scale" : ""
      } · ${machine}`,
      { size: FONT_SIZE, fill: COLORS.muted },
    ),
    legendBelow ? legend(PAD + legendWidth(kinds), 78, kinds) : legend(WIDTH - PAD, 34, kinds),
  );

  // Each group: its title on a line of its own, then its rows, with the grid and the 1× line
  // drawn behind the rows only (a long title never has a line through it).
  let y = legendBelow ? 92 : 72;
  const bars: string[] = [];
  const segments: [number, number][] = [];
  for (const group of groups) {
    y += 22;
    bars.push(text(PAD, y - 6, group.title, { size: 13, weight: 600 }));
    const top = y;
    for (const row of group.rows) {
      const lines = wrapText(row.label, labelWidth, FONT_SIZE);
      const height = Math.max(ROW, lines.length * LINE_HEIGHT + 9);
      const middle = y + height / 2;
      lines.forEach((part, i) => {
        const baselineY = middle + 4 + (i - (lines.length - 1) / 2) * LINE_HEIGHT;
        bars.push(text(plotLeft - GAP, baselineY, part, { anchor: "end" }));
      });
      bars.push(drawBar(row, scale, middle));
      y += height;
    }
    segments.push([top, y]);
    y += 4;
  }
  const plotBottom = y + 4;
  segments[segments.length - 1][1] = plotBottom;

  const one = scale.x(1);
  for (const [top, bottom] of segments) {
    for (const tick of scale.ticks) {
      body.push(line(scale.x(tick), top, scale.x(tick), bottom, COLORS.grid));
    }
    body.push(line(one, top, one, bottom, COLORS.text, 'stroke-dasharray="4 3"'));
  }
  for (const tick of scale.ticks) {
    body.push(
      text(scale.x(tick), plotBottom + 16, formatRatio(tick), {
        size: 11,
        fill: tick === 1 ? COLORS.text : COLORS.muted,
        weight: tick === 1 ? 600 : "normal",
        anchor: "middle",
      }),
    );
  }
  body.push(line(plotLeft, plotBottom, plotLeft + plotWidth, plotBottom, COLORS.axis));
  body.push(...bars);
  const height = plotBottom + 40;
  body.push(
    text(
      plotLeft + plotWidth / 2,
      plotBottom + 34,
      `speed against the baseline (dashed: 1×, the baseline itself)${
        scale.log ? ", log scale" : ""
      }`,
      { size: 11, fill: COLORS.muted, anchor: "middle" },
    ),
  );
  return svgDocument(WIDTH, height, `${file}: speed against each group's baseline`, body);
}

function drawBar(row: RatioRow, scale: Scale, middle: number): string {
  const start = scale.log ? scale.x(1) : scale.x(0);
  if (row.ratio === null) {
    const room = scale.x(scale.max) - start;
    const [failure] = wrapText(row.failure ?? "", room, FONT_SIZE, 1);
    return text(start + 6, middle + 4, failure, { fill: COLORS.failed });
  }
  const end = scale.x(row.ratio);
  const [left, right] = [Math.min(start, end), Math.max(start, end)];
  // The baseline on a log axis has no length: a short mark shows where it stands.
  const width = Math.max(right - left, 3);
  const x = row.kind === "baseline" && scale.log ? start - 1.5 : left;
  const parts = [
    `<rect x="${round(x)}" y="${round(middle - BAR / 2)}" width="${round(width)}" ` +
    `height="${BAR}" rx="2" fill="${COLORS[row.kind]}"><title>${
      escapeXml(`${row.label}: ${formatRatio(row.ratio)}, ${row.detail}`)
    }</title></rect>`,
  ];
  // Right of the 1× line too, so a bar shorter than the baseline's keeps its label clear of it.
  const labelX = Math.max(right, scale.x(1)) + 6;
  parts.push(
    `<text x="${round(labelX)}" y="${round(middle + 4)}" font-size="${FONT_SIZE}" ${HALO}>` +
      `<tspan font-weight="600">${escapeXml(formatRatio(row.ratio))}</tspan>` +
      `<tspan fill="${COLORS.muted}" dx="6">${escapeXml(row.detail)}</tspan></text>`,
  );
  return parts.join("");
}

const LEGEND_LABELS: Record<RowKind, string> = {
  baseline: "baseline",
  ringmail: "ringmail",
  other: "other",
};

const LEGEND_ORDER = ["ringmail", "baseline", "other"] as const;

function legendWidth(kinds: Set<RowKind>): number {
  return LEGEND_ORDER.filter((kind) => kinds.has(kind))
    .reduce((width, kind) => width + 32 + textWidth(LEGEND_LABELS[kind], FONT_SIZE), -16);
}

/** Colour keys for the kinds present, right-aligned to end at `right`. */
function legend(right: number, y: number, kinds: Set<RowKind>): string {
  const entries = LEGEND_ORDER.filter((kind) => kinds.has(kind));
  const parts: string[] = [];
  let x = right;
  for (const kind of entries.reverse()) {
    const label = LEGEND_LABELS[kind];
    x -= textWidth(label, FONT_SIZE);
    parts.push(text(x, y, label, { fill: COLORS.muted }));
    x -= 16;
    parts.push(
      `<rect x="${round(x)}" y="${y - 10}" width="11" height="11" rx="2" fill="${COLORS[kind]}"/>`,
    );
    x -= 16;
  }
  return parts.join("");
}
