/**
 * Draws the benchmarks as SVG charts for the README: for each bench file, every group's cases as
 * ratios against the group's baseline (`<file>.svg`), and for a file that sweeps message sizes,
 * messages per second against size (`<file>-by-size.svg`).
 *
 *   deno task bench:charts                      # runs the benches below, then draws docs/bench/
 *   deno task bench:charts bench/ring_bench.ts  # runs that bench only, draws its charts
 *   deno task bench:charts a.json b.json        # only draws, from `deno bench --json` outputs
 *
 * Options: `--out DIR` (default docs/bench), `--keep-json DIR` (keep each bench's JSON there).
 * Arguments ending in .ts are bench files to run, others `deno bench --json` outputs to read.
 * A bench file that fails as a whole is reported and left out; a failed case is drawn as failed.
 */
import {
  type BenchCase,
  BenchReportError,
  describeMachine,
  parseBenchJson,
} from "./chart/bench_json.ts";
import { ratioGroups, renderRatioChart } from "./chart/ratio_chart.ts";
import { renderSizeChart, sizeSweeps } from "./chart/size_chart.ts";

/** One chart: the file name to write it as, and its SVG. */
export interface Chart {
  fileName: string;
  svg: string;
}

/**
 * Every chart the bench outputs hold, in the order their files first appear.
 * @param outputs `deno bench --json` outputs, each with a name for error messages.
 * @throws BenchReportError when an output is not such JSON, or none has a chart to draw.
 */
export function renderCharts(outputs: { source: string; json: string }[]): Chart[] {
  if (outputs.length === 0) {
    throw new BenchReportError(
      "no bench output to draw: pass `deno bench --json` output files (or none, to run the benches)",
    );
  }
  const reports = outputs.map(({ source, json }) => parseBenchJson(json, source));
  const machine = describeMachine(reports[0]);
  const cases: BenchCase[] = reports.flatMap((report) => report.cases);
  const files = [...new Set(cases.map((benchCase) => benchCase.file))];
  const sweeps = sizeSweeps(cases);
  const charts: Chart[] = [];
  for (const file of files) {
    const stem = file.replace(/\.[jt]s$/, "");
    const groups = ratioGroups(cases.filter((benchCase) => benchCase.file === file));
    if (groups.length > 0) {
      charts.push({ fileName: `${stem}.svg`, svg: renderRatioChart(file, groups, machine) });
    }
    const sweep = sweeps.get(file);
    if (sweep) {
      charts.push({ fileName: `${stem}-by-size.svg`, svg: renderSizeChart(file, sweep, machine) });
    }
  }
  if (charts.length === 0) {
    throw new BenchReportError(
      `${outputs.map((o) => o.source).join(", ")}: nothing to draw: no group has a baseline ` +
        "(`baseline: true` in Deno.bench) and no case is named like a size sweep",
    );
  }
  return charts;
}

/**
 * The bench files `bench:charts` runs when given no JSON. One that cannot run here (remote_bench.ts
 * without nats-server) is reported and left out.
 */
export const DEFAULT_BENCHES = [
  "ring_bench.ts",
  "codec_bench.ts",
  "pingpong_bench.ts",
  "size_bench.ts",
  "scale_bench.ts",
  "worker_start_bench.ts",
  "remote_bench.ts",
];

/** `--out DIR`, `--keep-json DIR` and the JSON files, in any order. */
function parseOptions(args: string[]): { out?: string; "keep-json"?: string; files: string[] } {
  const options: { out?: string; "keep-json"?: string; files: string[] } = { files: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s);
    if (flag === "--out" || flag === "--keep-json") {
      const value = inline ?? args[++i];
      if (value === undefined) throw new BenchReportError(`${flag} needs a directory`);
      options[flag.slice(2) as "out" | "keep-json"] = value;
    } else options.files.push(args[i]);
  }
  return options;
}

/** Runs one bench file with `--json`; its output, or `null` (reported) when it gave none. */
async function runBench(path: string): Promise<string | null> {
  console.error(`running ${path} …`);
  const { stdout, code } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bench",
      "--config",
      new URL("deno.json", import.meta.url).pathname,
      "--allow-read",
      "--allow-env",
      "--allow-run",
      // worker_start_bench.ts bundles the runtime into a temporary directory.
      "--allow-write",
      "--allow-net=127.0.0.1",
      "--v8-flags=--expose-gc",
      "--json",
      path,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const json = new TextDecoder().decode(stdout);
  try {
    parseBenchJson(json, path);
  } catch (error) {
    if (!(error instanceof BenchReportError)) throw error;
    console.error(`${error.message}\n${path}: exit code ${code}: left out of the charts`);
    return null;
  }
  if (code !== 0) console.error(`${path}: exit code ${code}: failed cases are drawn as failed`);
  return json;
}

/** Runs the benches (or reads the JSON files named) and writes the charts. */
async function main(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const out = options.out ?? new URL("../docs/bench/", import.meta.url).pathname;
  const keep = options["keep-json"];
  const outputs: { source: string; json: string }[] = [];
  const benches = options.files.filter((path) => path.endsWith(".ts"));
  for (const path of options.files.filter((path) => !path.endsWith(".ts"))) {
    outputs.push({ source: path, json: await Deno.readTextFile(path) });
  }
  if (options.files.length === 0) {
    benches.push(...DEFAULT_BENCHES.map((file) => new URL(file, import.meta.url).pathname));
  }
  for (const path of benches) {
    const file = path.slice(path.lastIndexOf("/") + 1);
    const json = await runBench(path);
    if (json === null) continue;
    outputs.push({ source: file, json });
    if (keep) {
      await Deno.mkdir(keep, { recursive: true });
      await Deno.writeTextFile(`${keep}/${file.replace(/\.ts$/, ".json")}`, json);
    }
  }
  const charts = renderCharts(outputs);
  await Deno.mkdir(out, { recursive: true });
  for (const chart of charts) {
    const path = `${out.replace(/\/$/, "")}/${chart.fileName}`;
    await Deno.writeTextFile(path, chart.svg);
    console.log(`wrote ${path}`);
  }
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (error) {
    if (!(error instanceof BenchReportError || error instanceof Deno.errors.NotFound)) throw error;
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
