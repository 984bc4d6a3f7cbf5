/**
 * The load generator of bench/http_bench.ts, in a process of its own so that it does not share
 * the server's thread: reads commands on stdin, one per line, `<url> <requests> <concurrency>`,
 * sends that many GET requests over keep-alive connections with that many in flight, and answers
 * each command with one line of JSON: `{ seconds, p50, p99, failed }` (latencies in ms). Ends when
 * stdin closes.
 */

const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
let pending = "";
for await (const chunk of lines) {
  pending += chunk;
  for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
    const line = pending.slice(0, end).trim();
    pending = pending.slice(end + 1);
    if (line === "") continue;
    const [url, requests, concurrency] = line.split(" ");
    const result = await load(url, Number(requests), Number(concurrency));
    console.log(JSON.stringify(result));
  }
}

async function load(url: string, requests: number, concurrency: number) {
  const latencies = new Float64Array(requests);
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const lane = async () => {
    for (let i = next++; i < requests; i = next++) {
      const sent = performance.now();
      try {
        const response = await fetch(`${url}?n=${i}`);
        if (!response.ok) failed++;
        await response.arrayBuffer();
      } catch {
        failed++;
      }
      latencies[i] = performance.now() - sent;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort();
  const at = (q: number) => latencies[Math.min(requests - 1, Math.floor(q * requests))];
  return { seconds, p50: at(0.5), p99: at(0.99), failed };
}
