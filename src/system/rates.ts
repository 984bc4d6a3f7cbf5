/**
 * Rates from samples: a clock of sample times and, beside it, one ring of values per counter, so
 * a rate over the last second or ten seconds is the counter's growth since the sample that long
 * ago. Used by `inspect()` (inspector.ts) and by the cluster link's figures (src/remote/).
 *
 * @module
 */

/** How often counters are sampled (ms). */
export const SAMPLE_EVERY_MS = 250;
/** Samples kept: a little over ten seconds' worth. */
const SAMPLES = Math.ceil(10_000 / SAMPLE_EVERY_MS) + 2;

/** The times of the samples, newest last, in a ring. */
export class SampleClock {
  readonly times = new Float64Array(SAMPLES);
  /** Samples taken so far (the ring holds the last {@link SAMPLES}). */
  taken = 0;

  /** Records a sample at `at`; returns its index in the ring. */
  tick(at: number): number {
    const index = this.taken % SAMPLES;
    this.times[index] = at;
    this.taken++;
    return index;
  }

  /** The index of the newest sample taken at least `ago` ms before `now`, else the oldest; -1: none. */
  baseFor(now: number, ago: number): number {
    if (this.taken === 0) return -1;
    const kept = Math.min(this.taken, SAMPLES);
    let base = -1;
    for (let back = 1; back <= kept; back++) {
      const index = (this.taken - back) % SAMPLES;
      base = index;
      if (now - this.times[index] >= ago) break;
    }
    return base;
  }
}

/** One counter's values at the samples (a ring beside the clock's). */
export class Track {
  readonly values = new Float64Array(SAMPLES);
  /** When it was first sampled: samples before that are another's (a reused slot). */
  readonly since: number;

  constructor(readonly generation: number, first: number, at: number) {
    this.values.fill(first);
    this.since = at;
  }

  /** Per second, from the base sample of `window` ms ago (or the track's first) to `value` now. */
  rate(clock: SampleClock, value: number, now: number, window: number): number {
    const base = clock.baseFor(now, window);
    if (base < 0) return 0;
    const from = Math.max(clock.times[base], this.since);
    const elapsed = now - from;
    if (elapsed <= 0) return 0;
    return ((value - this.values[base]) * 1000) / elapsed;
  }
}
