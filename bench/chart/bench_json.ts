/**
 * Reads what `deno bench --json` prints (format version 1): the cases of every file, with their
 * group, whether each is its group's baseline, and its mean time or why it failed.
 */
import { RingmailError } from "../../errors.ts";

/** Input the charts cannot use: which file and what was wrong with it. */
export class BenchReportError extends RingmailError {}

/** One benchmark case as the charts see it. */
export interface BenchCase {
  /** The bench file's name, e.g. "ring_bench.ts". */
  file: string;
  /** Its `group`, or `null` when it has none. */
  group: string | null;
  name: string;
  baseline: boolean;
  /** Mean time of one iteration, in nanoseconds; `null` when the case failed. */
  avgNs: number | null;
  /** Why it failed, when it did. */
  failure: string | null;
}

/** The cases of one `deno bench --json` output, and where they ran. */
export interface BenchReport {
  /** "Deno/2.9.6 x86_64-unknown-linux-gnu" */
  runtime: string;
  cpu: string;
  cases: BenchCase[];
}

interface RawBench {
  origin: string;
  group: string | null;
  name: string;
  baseline: boolean;
  results:
    ({ ok: { avg: number } } | { failed: { message?: string; exceptionMessage?: string } })[];
}

/**
 * Parses one `deno bench --json` output; `source` names it in errors.
 * @throws BenchReportError when the text is not that JSON, or holds no benchmark at all.
 */
export function parseBenchJson(text: string, source: string): BenchReport {
  const fail = (what: string): never => {
    throw new BenchReportError(
      `${source}: ${what}; expected the output of \`deno bench --json\` (write it with ` +
        `\`deno bench --json file_bench.ts > out.json\`)`,
    );
  };
  if (text.trim() === "") fail("the file is empty");
  let json: { version?: unknown; runtime?: unknown; cpu?: unknown; benches?: unknown };
  try {
    json = JSON.parse(reportOf(text));
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== "object" || !Array.isArray(json.benches)) {
    fail('no "benches" array');
  }
  if (json.version !== 1) fail(`format version ${json.version}, not 1`);
  const benches = json.benches as RawBench[];
  if (benches.length === 0) fail("no benchmark in it (did every bench file fail to load?)");
  const cases = benches.map((bench): BenchCase => {
    if (typeof bench?.name !== "string" || typeof bench.origin !== "string") {
      fail(`a bench without a name or origin: ${JSON.stringify(bench).slice(0, 80)}`);
    }
    const result = bench.results?.[0];
    const ok = result && "ok" in result ? result.ok : null;
    const failed = result && "failed" in result ? result.failed : null;
    return {
      file: bench.origin.slice(bench.origin.lastIndexOf("/") + 1),
      group: bench.group ?? null,
      name: bench.name,
      baseline: bench.baseline === true,
      avgNs: ok && ok.avg > 0 ? ok.avg : null,
      failure: ok && ok.avg > 0 ? null : failed?.message ?? failed?.exceptionMessage ?? "no result",
    };
  });
  return { runtime: String(json.runtime ?? ""), cpu: String(json.cpu ?? ""), cases };
}

/**
 * The JSON report inside what `deno bench --json` printed: what a bench file logs at its top level
 * (or on unload) is printed around the report, which is pretty-printed, so it starts with a line
 * "{" followed by "version" and ends at the next line that is just "}".
 */
function reportOf(text: string): string {
  const start = /^\{\s*"version"/m.exec(text);
  if (!start) return text;
  const end = /^\}\s*$/m.exec(text.slice(start.index));
  return end ? text.slice(start.index, start.index + end.index + 1) : text.slice(start.index);
}

/** A short line about where the benchmarks ran: "Deno 2.9.6, AMD EPYC". */
export function describeMachine(report: BenchReport): string {
  const deno = /^Deno\/(\S+)/.exec(report.runtime)?.[1];
  return [deno ? `Deno ${deno}` : report.runtime, report.cpu].filter(Boolean).join(", ");
}
