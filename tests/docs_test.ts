/**
 * Every example in the API docs runs as a program, as a reader would paste it: `deno test --doc`
 * type-checks them and runs their top level, but not what they guard with
 * `if (import.meta.main)` — and that is where every example that starts actors does its work.
 * Each example is written to a scratch folder whose deno.json maps `@ringmail/actors` to this
 * checkout, run with `deno run --allow-read`, and must exit cleanly within its bound, printing
 * what its comments say it prints.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const ENTRIES = ["mod.ts", "actor.ts", "errors.ts", "codec.ts", "otel.ts"];
/** Examples run two at a time: each starts Workers, and the machine may have two cores. */
const AT_ONCE = 2;

/** The ```ts blocks of the doc comments of `text`, without their leading ` * `. */
function examplesOf(text: string): string[] {
  const examples: string[] = [];
  const fence = /^\s*\* ```ts\n([\s\S]*?)^\s*\* ```/gm;
  for (const match of text.matchAll(fence)) {
    examples.push(match[1].split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n"));
  }
  return examples;
}

/**
 * Why `stdout`, what an example printed, is not what its comments say it prints; null when it is
 * (or when the example does not say: each of its `console.log` lines must end in a comment of
 * what it prints, none in a loop, none an "e.g."). A comment may add words after a `,`, `:` or
 * `;` (`// "ActorDeadError", at once`); quotes do not count (`// "pong 1"` for pong 1).
 */
function unlikeItsComments(code: string, stdout: string): string | null {
  const logs = code.split("\n").filter((line) => line.includes("console.log("));
  const said = logs.map((line) => /console\.log\(.*\);\s*\/\/\s*(.+)$/.exec(line)?.[1]);
  if (
    logs.length === 0 || logs.some((line) => /\bfor\b|\bwhile\b/.test(line)) ||
    said.some((comment) => comment === undefined || comment.startsWith("e.g."))
  ) return null;
  const printed = stdout.trimEnd().split("\n");
  if (printed.length !== said.length) {
    return `printed ${printed.length} lines for ${said.length} console.log calls:\n${stdout}`;
  }
  const unquoted = (text: string) => text.replaceAll('"', "").trim();
  for (let i = 0; i < said.length; i++) {
    const expected = unquoted(said[i]!);
    const actual = unquoted(printed[i]);
    const same = expected === actual ||
      (expected.startsWith(actual) && /^[,:;]/.test(expected.slice(actual.length)));
    if (!same) return `line ${i + 1} printed ${printed[i]}, where its comment says ${said[i]}`;
  }
  return null;
}

async function* sourceFiles(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sourceFiles(url);
    else if (entry.name.endsWith(".ts")) yield url;
  }
}

Deno.test("docs: every API example runs as a program, exits cleanly and prints what it says", async () => {
  const files = ENTRIES.map((entry) => new URL(entry, ROOT));
  for await (const file of sourceFiles(new URL("src/", ROOT))) files.push(file);
  const examples: { where: string; code: string }[] = [];
  for (const file of files) {
    const found = examplesOf(await Deno.readTextFile(file));
    // An example may import its own layer by a relative path: resolve it from its file.
    const absolute = (code: string) =>
      code.replace(/from "(\.\.?\/[^"]+)"/g, (_, path) => `from "${new URL(path, file).href}"`);
    found.forEach((code, i) =>
      examples.push({ where: `${file.pathname}#${i + 1}`, code: absolute(code) })
    );
  }
  assert.ok(examples.length >= 40, `found only ${examples.length} examples`);

  const dir = await Deno.makeTempDir({ prefix: "ringmail-docs-" });
  try {
    const imports: Record<string, string> = { "@ringmail/actors": new URL("mod.ts", ROOT).href };
    for (const entry of ["actor", "errors", "codec", "otel"]) {
      imports[`@ringmail/actors/${entry}`] = new URL(`${entry}.ts`, ROOT).href;
    }
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports }));
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < examples.length) {
        const index = next++;
        const { where, code } = examples[index];
        const path = `${dir}/example_${index}.ts`;
        await Deno.writeTextFile(path, code);
        const { code: exit, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          // Loopback too: system.observe's example serves its live view on 127.0.0.1.
          args: ["run", "--allow-read", "--allow-net=127.0.0.1", "--no-lock", path],
          cwd: dir,
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
          signal: AbortSignal.timeout(60_000),
        }).output();
        if (exit !== 0) {
          failures.push(`${where}: exit ${exit}\n${new TextDecoder().decode(stderr)}`);
          continue;
        }
        const unlike = unlikeItsComments(code, new TextDecoder().decode(stdout));
        if (unlike !== null) failures.push(`${where}: ${unlike}`);
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    assert.deepEqual(failures, [], failures.join("\n\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
