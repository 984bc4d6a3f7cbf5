/** The work of one request in bench/http_bench.ts, the same wherever it runs. */

/** A small JSON answer built from the request's number (a little computing, like a real handler). */
export function work(n: number): string {
  let checksum = n;
  for (let i = 0; i < 200; i++) checksum = (checksum * 31 + i) % 1_000_003;
  return JSON.stringify({ n, checksum, doubled: n * 2 });
}
