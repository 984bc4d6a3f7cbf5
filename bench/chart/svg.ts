/**
 * What both charts draw with: the colours, the font, text measured without a renderer, and the
 * SVG document around a chart. Self-contained SVG (no fonts, styles or images from elsewhere), on
 * an opaque white card so it reads the same on GitHub's light and dark pages.
 */

export const FONT =
  `-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif`;

export const COLORS = {
  background: "#ffffff",
  border: "#d0d7de",
  text: "#1f2328",
  muted: "#59636e",
  grid: "#eaeef2",
  axis: "#8c959f",
  baseline: "#8c959f",
  ringmail: "#0969da",
  other: "#8250df",
  failed: "#cf222e",
} as const;

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Advance widths in em of a wide sans-serif (DejaVu Sans, the widest fallback a reader may get;
// Helvetica, Segoe UI and SF are narrower): layout needs them before any renderer sees the text.
const NARROW = new Set("iljI.,:;'|!()[] ");
const SEMI = new Set('frtJ-/"');
const WIDE = new Set("mwMW%@");

/** Width of `text` in px at `size` px, estimated from its characters. */
export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const c of text) {
    if (NARROW.has(c)) em += 0.3;
    else if (SEMI.has(c)) em += 0.38;
    else if (WIDE.has(c)) em += 0.88;
    else if (c >= "A" && c <= "Z") em += 0.7;
    else em += 0.6;
  }
  return em * size * (bold ? 1.07 : 1);
}

/** Splits `text` into at most `maxLines` lines of at most `width` px; the last ends in "…" if cut. */
export function wrapText(text: string, width: number, size: number, maxLines = 2): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next, size) <= width || !line) {
      line = next;
      continue;
    }
    lines.push(line);
    line = word;
  }
  lines.push(line);
  if (lines.length <= maxLines && lines.every((l) => textWidth(l, size) <= width)) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1] ?? "";
  if (lines.length > maxLines) last += " " + lines.slice(maxLines).join(" ");
  while (last.length > 1 && textWidth(last + "…", size) > width) last = last.slice(0, -1);
  kept[kept.length - 1] = last.trimEnd() + "…";
  return kept;
}

/** Attributes of a text element, as written into it. */
export interface TextStyle {
  size?: number;
  weight?: "normal" | "bold" | 600;
  fill?: string;
  anchor?: "start" | "middle" | "end";
  /** A ring of background colour around the letters, so grid lines under them stay out of the way. */
  halo?: boolean;
}

/** The attributes that draw a halo (the stroke goes under the fill). */
export const HALO =
  `stroke="${COLORS.background}" stroke-width="4" stroke-linejoin="round" paint-order="stroke"`;

/** A `<text>` element at (x, y) (y is the baseline), its content escaped. */
export function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  const { size = 12, weight = "normal", fill = COLORS.text, anchor = "start", halo = false } =
    style;
  const attributes = [
    `x="${round(x)}"`,
    `y="${round(y)}"`,
    `font-size="${size}"`,
    weight === "normal" ? "" : `font-weight="${weight}"`,
    fill === COLORS.text ? "" : `fill="${fill}"`,
    anchor === "start" ? "" : `text-anchor="${anchor}"`,
    halo ? HALO : "",
  ].filter(Boolean);
  return `<text ${attributes.join(" ")}>${escapeXml(content)}</text>`;
}

/** A horizontal or vertical line. */
export function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  stroke: string,
  extra = "",
): string {
  return `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" ` +
    `stroke="${stroke}"${extra ? " " + extra : ""}/>`;
}

/** Coordinates to 0.1 px: enough for any screen, and the files stay small and stable. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The whole document: a white rounded card of `width` × `height` holding `body`. */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${round(height)}" ` +
    `viewBox="0 0 ${width} ${round(height)}" role="img" aria-label="${escapeXml(title)}" ` +
    `font-family='${FONT}' fill="${COLORS.text}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${round(height - 1)}" rx="6" ` +
    `fill="${COLORS.background}" stroke="${COLORS.border}"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/**
 * Tick values for an axis from `min` to `max`: on a log axis the powers of ten inside it, with 2
 * and 5 times them between when it spans barely a decade, 3 times under three decades; on a
 * linear axis 4–8 steps of 1, 2 or 5 × 10ⁿ from 0.
 */
export function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const decades = Math.log10(max / min);
    const steps = decades < 1.2 ? [1, 2, 5] : decades < 3 ? [1, 3] : [1];
    const out: number[] = [];
    for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
      for (const step of steps) {
        const value = step * 10 ** power;
        if (value >= min * 0.999 && value <= max * 1.001) out.push(Number(value.toPrecision(6)));
      }
    }
    return out;
  }
  const raw = max / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => max / s <= 8)!;
  const out: number[] = [];
  for (let value = 0; value <= max * 1.0001; value += step) out.push(Number(value.toPrecision(6)));
  return out;
}
