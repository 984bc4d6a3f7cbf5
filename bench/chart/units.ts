/** How the charts write and read numbers: byte sizes, ratios, rates and durations. */

const BYTE_UNITS = [["MiB", 1 << 20], ["KiB", 1 << 10], ["B", 1]] as const;

/** 16 → "16 B", 1024 → "1 KiB", 65536 → "64 KiB": the largest unit that divides the size. */
export function formatBytes(bytes: number): string {
  for (const [unit, scale] of BYTE_UNITS) {
    if (bytes >= scale && bytes % scale === 0) return `${bytes / scale} ${unit}`;
  }
  return `${bytes} B`;
}

/** "1 KiB" → 1024; `undefined` for anything that is not a number and B, KiB or MiB. */
export function parseBytes(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?) ?(B|KiB|MiB)$/.exec(text.trim());
  if (!match) return undefined;
  const scale = BYTE_UNITS.find(([unit]) => unit === match[2])![1];
  return Number(match[1]) * scale;
}

/** A speed ratio with three significant digits at most: "123×", "12.4×", "1.85×", "0.062×". */
export function formatRatio(ratio: number): string {
  return `${significant(ratio)}×`;
}

/** A rate per second, short: 950, 12.3k, 456k, 1.23M, 45.6G. */
export function formatCount(count: number): string {
  for (const [suffix, scale] of [["G", 1e9], ["M", 1e6], ["k", 1e3]] as const) {
    if (count >= scale) return `${significant(count / scale)}${suffix}`;
  }
  return significant(count);
}

/** Nanoseconds as the unit that keeps them between 1 and 1000: "312 ns", "4.56 ms". */
export function formatNanoseconds(ns: number): string {
  for (const [unit, scale] of [["s", 1e9], ["ms", 1e6], ["µs", 1e3]] as const) {
    if (ns >= scale) return `${significant(ns / scale)} ${unit}`;
  }
  return `${significant(ns)} ns`;
}

/** Three significant digits, without trailing zeros (integers from 100 up keep all theirs). */
function significant(value: number): string {
  if (value >= 100) return String(Math.round(value));
  const digits = value >= 10
    ? 1
    : value >= 1
    ? 2
    : Math.max(2, 1 - Math.floor(Math.log10(value)) + 1);
  return String(Number(value.toFixed(Math.min(digits, 6))));
}
