// @ts-nocheck: this runs in the browser (see PAGE_SCRIPT); Deno's types have no DOM.
/**
 * The live view's charts, as a function whose source the server sends with the page's script
 * (see client.ts): the throughput chart (messages handled and dead letters per second, with a
 * readout under the pointer) and the Workers' sparklines, drawn as SVG.
 *
 * @module
 */

/** Makes the chart drawers; `format` has the page's `count`, `rate` and `clock`. */
export function liveViewChart(format) {
  const { count, rate, clock } = format;
  /** The chart spans what it has, 20 s at least, up to five minutes. */
  const SHORTEST_MS = 20_000, LONGEST_MS = 5 * 60_000;
  const LEFT = 48, RIGHT = 12, TOP = 12, BOTTOM = 22;

  function niceCeiling(value) {
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }

  /** The readout of the point nearest `pointerX`: a line, dots, the time and the figures. */
  function readout(points, pointerX, x, y, width) {
    let near = points[0];
    for (const p of points) {
      if (Math.abs(x(p.at) - pointerX) < Math.abs(x(near.at) - pointerX)) near = p;
    }
    const px = x(near.at);
    const text = `${clock(near.at)}   ${rate(near.handled)}/s handled` +
      (near.dead > 0 ? `   ${rate(near.dead)}/s dead` : "");
    const boxWidth = text.length * 6.6 + 16;
    const boxX = px + boxWidth + 12 > width - RIGHT ? px - boxWidth - 8 : px + 8;
    return `<line class="cursor" x1="${px}" x2="${px}" y1="${TOP}" y2="${y(0)}"/>` +
      `<circle cx="${px}" cy="${y(near.handled)}" r="3.5" class="dot"/>` +
      (near.dead > 0 ? `<circle cx="${px}" cy="${y(near.dead)}" r="3" class="dot dead"/>` : "") +
      `<rect class="tip" x="${boxX}" y="${TOP}" width="${boxWidth}" height="22" rx="5"/>` +
      `<text class="tip" x="${boxX + 8}" y="${TOP + 15}">${text}</text>`;
  }

  /** Draws `points` into `box`; `pointerX` (or null) is where the pointer is, in the box. */
  function drawChart(box, points, pointerX) {
    const width = box.clientWidth || 600, height = box.clientHeight || 236;
    const now = points.length > 0 ? points[points.length - 1].at : Date.now();
    const span = Math.min(
      LONGEST_MS,
      Math.max(SHORTEST_MS, points.length ? now - points[0].at : 0),
    );
    const from = now - span;
    let highest = 10;
    for (const p of points) highest = Math.max(highest, p.handled, p.dead);
    const max = niceCeiling(highest * 1.08);
    const x = (at) => +(LEFT + ((at - from) / span) * (width - LEFT - RIGHT)).toFixed(1);
    const y = (v) => +(TOP + (1 - v / max) * (height - TOP - BOTTOM)).toFixed(1);
    const parts = [
      `<defs><linearGradient id="fade" x1="0" y1="0" x2="0" y2="1">` +
      `<stop offset="0" stop-color="#4cc2ff" stop-opacity="0.32"/>` +
      `<stop offset="1" stop-color="#4cc2ff" stop-opacity="0.02"/></linearGradient></defs>`,
    ];
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      parts.push(
        `<line class="grid" x1="${LEFT}" x2="${width - RIGHT}" y1="${y(v)}" y2="${y(v)}"/>`,
      );
      parts.push(
        `<text class="axis" x="${LEFT - 8}" y="${y(v) + 4}" text-anchor="end">${count(v)}</text>`,
      );
    }
    const tick = span <= 30_000
      ? 5_000
      : span <= 90_000
      ? 15_000
      : span <= 180_000
      ? 30_000
      : 60_000;
    for (let ago = 0; ago <= span; ago += tick) {
      const label = ago === 0 ? "now" : ago < 60_000 ? `-${ago / 1000}s` : `-${ago / 60_000}m`;
      const anchor = ago === 0 ? "end" : "middle";
      parts.push(
        `<text class="axis" x="${x(now - ago)}" y="${
          height - 5
        }" text-anchor="${anchor}">${label}</text>`,
      );
    }
    if (points.length >= 2) {
      const line = (key) => points.map((p) => `${x(p.at)},${y(p[key])}`);
      const total = line("handled");
      const first = x(points[0].at), last = points[points.length - 1];
      parts.push(
        `<path class="area" d="M${first},${y(0)} L${total.join(" L")} L${x(now)},${y(0)} Z"/>`,
      );
      if (points.some((p) => p.dead > 0)) {
        parts.push(`<polyline class="dead" points="${line("dead").join(" ")}"/>`);
      }
      parts.push(`<polyline class="total" points="${total.join(" ")}"/>`);
      parts.push(`<circle cx="${x(now)}" cy="${y(last.handled)}" r="3.5" class="dot"/>`);
      if (pointerX !== null && pointerX >= LEFT && pointerX <= width - RIGHT) {
        parts.push(readout(points, pointerX, x, y, width));
      }
    } else {
      parts.push(
        `<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">` +
          `gathering the first seconds…</text>`,
      );
    }
    box.innerHTML = `<svg viewBox="0 0 ${width} ${height}" data-points="${points.length}">${
      parts.join("")
    }</svg>`;
  }

  /** A small line of `values` (oldest first), scaled to their highest. */
  function sparkline(values) {
    if (values.length < 2) return `<svg></svg>`;
    const max = Math.max(1, ...values);
    const points = values.map((v, i) =>
      `${((i / (values.length - 1)) * 100).toFixed(1)},${(24 - (v / max) * 22).toFixed(1)}`
    );
    return `<svg viewBox="0 0 100 26" preserveAspectRatio="none"><polyline points="${
      points.join(" ")
    }" vector-effect="non-scaling-stroke"/></svg>`;
  }

  return { drawChart, sparkline };
}
