/**
 * The live view's page: its HTML (the panels, empty until the script fills them) and its style.
 * Plain strings, so the page works wherever the package is loaded from (a checkout, a URL, JSR),
 * with nothing to build and nothing fetched from elsewhere.
 *
 * @module
 */

/** Escapes text for an HTML attribute or element. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A favicon drawn inline: a ring with a dot, the view's mark. */
const ICON = "data:image/svg+xml," + encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" ` +
    `fill="none" stroke="#4cc2ff" stroke-width="2.5"/><circle cx="8" cy="8" r="2" ` +
    `fill="#3ddc97"/></svg>`,
);

/** The page; `token` (if the view has one) goes into its own requests. */
export function pageHtml(token: string | null): string {
  const query = token === null ? "" : `?token=${encodeURIComponent(token)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="ringmail-token" content="${escapeHtml(token ?? "")}">
<title>ringmail · live view</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="app.css${query}">
<script src="app.js${query}" defer></script>
</head>
<body>
<header class="top">
  <div class="brand"><svg viewBox="0 0 16 16" class="mark"><circle cx="8" cy="8" r="6"/>
  <circle cx="8" cy="8" r="2"/></svg>ringmail <span class="sub">live view</span></div>
  <div class="status"><span id="uptime" class="muted"></span>
  <span id="conn" class="conn">connecting…</span></div>
</header>
<main>
  <section id="kpis" class="kpis"></section>
  <div class="row wide-left">
    <section class="panel">
      <h2>Throughput <span class="hint">messages handled per second</span>
      <span class="legend"><span><i class="handled"></i>handled/s</span>
      <span><i class="dead"></i>dead letters/s</span></span></h2>
      <div id="chart" class="chart"></div>
    </section>
    <div class="stack">
      <section class="panel">
        <h2>Workers <span id="workers-hint" class="hint"></span></h2>
        <div id="workers" class="workers"></div>
      </section>
      <section id="links-panel" class="panel" hidden>
        <h2>Links <span id="links-hint" class="hint">to the cluster's other nodes</span></h2>
        <div id="links" class="workers links"></div>
      </section>
    </div>
  </div>
  <section class="panel">
    <h2>Actors <span id="actors-hint" class="hint"></span>
    <input id="filter" type="search" placeholder="filter: name, class or Worker" autocomplete="off">
    </h2>
    <div class="table-wrap"><table id="actors">
      <thead><tr>
        <th data-key="name">Actor</th><th data-key="className">Class</th>
        <th data-key="worker" class="num">Worker</th><th data-key="state">State</th>
        <th data-key="waiting" class="num">Waiting</th><th data-key="fill">Mailbox fill</th>
        <th data-key="rate" class="num">Handled/s</th>
        <th data-key="handled" class="num">Handled</th>
        <th data-key="sent" class="num">Sent</th><th data-key="failures" class="num">Failures</th>
        <th data-key="restarts" class="num">Restarts</th>
      </tr></thead>
      <tbody></tbody>
    </table></div>
  </section>
  <div class="row thirds">
    <section class="panel">
      <h2>Supervision tree <span id="tree-hint" class="hint"></span></h2>
      <div id="tree" class="tree"></div>
    </section>
    <section class="panel">
      <h2>Failures <span id="failures-hint" class="hint"></span></h2>
      <ol id="failures" class="feed"></ol>
    </section>
    <section class="panel">
      <h2>Dead letters <span id="dead-hint" class="hint"></span></h2>
      <div id="dead-kinds" class="kinds"></div>
      <ol id="dead" class="feed"></ol>
    </section>
  </div>
</main>
</body>
</html>
`;
}

/** The page's style: dark, dense, numbers in tabular figures so columns do not jitter. */
export const PAGE_STYLE = `
:root {
  --bg: #0b0e14; --panel: #11161f; --panel-hi: #161d29; --line: #1f2733; --line-hi: #2c3646;
  --text: #d8dee9; --muted: #8390a3; --dim: #566173;
  --accent: #4cc2ff; --green: #3ddc97; --amber: #f5b544; --red: #ff5d6c; --violet: #a98bff;
  --mono: ui-monospace, "SFMono-Regular", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono",
    "Liberation Mono", monospace;
  color-scheme: dark;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); }
body {
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans",
    Arial, sans-serif;
  font-variant-numeric: tabular-nums;
}
.muted { color: var(--muted); }
.mono { font-family: var(--mono); font-size: 12px; }
.top {
  position: sticky; top: 0; z-index: 2; display: flex; align-items: center;
  justify-content: space-between; padding: 10px 20px; background: rgba(11, 14, 20, 0.92);
  border-bottom: 1px solid var(--line); backdrop-filter: blur(6px);
}
.brand { display: flex; align-items: center; gap: 8px; font-weight: 650; font-size: 15px; }
.brand .sub { color: var(--muted); font-weight: 400; }
.mark { width: 18px; height: 18px; }
.mark circle:first-child { fill: none; stroke: var(--accent); stroke-width: 2.5; }
.mark circle:last-child { fill: var(--green); }
.status { display: flex; align-items: center; gap: 14px; }
.conn {
  display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px;
  background: var(--panel-hi); color: var(--muted); font-size: 12px;
}
.conn::before {
  content: ""; width: 7px; height: 7px; border-radius: 50%; background: var(--dim);
}
.conn.live { color: var(--green); }
.conn.live::before { background: var(--green); box-shadow: 0 0 0 3px rgba(61, 220, 151, 0.18); }
.conn.lost { color: var(--amber); }
.conn.lost::before { background: var(--amber); }
main { padding: 16px 20px 28px; display: grid; gap: 14px; }
.row { display: grid; gap: 14px; }
.row.wide-left { grid-template-columns: minmax(0, 1.7fr) minmax(0, 1fr); }
.row.thirds { grid-template-columns: repeat(3, minmax(0, 1fr)); }
@media (max-width: 1100px) {
  .row.wide-left, .row.thirds { grid-template-columns: minmax(0, 1fr); }
}
.stack { display: grid; gap: 14px; align-content: start; min-width: 0; }
.panel[hidden] { display: none; }
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px; min-width: 0;
}
.panel h2 {
  margin: 0 0 10px; font-size: 12px; font-weight: 600; letter-spacing: 0.06em;
  text-transform: uppercase; color: var(--muted); display: flex; align-items: center; gap: 10px;
}
.hint { text-transform: none; letter-spacing: 0; font-weight: 400; color: var(--dim); }
.kpis { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 14px; }
@media (max-width: 1100px) { .kpis { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
.kpi {
  background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 10px 14px; position: relative; overflow: hidden;
}
.kpi::before {
  content: ""; position: absolute; left: 0; top: 0; bottom: 0; width: 3px;
  background: var(--tone, var(--accent));
}
.kpi .label { color: var(--muted); font-size: 11px; text-transform: uppercase;
  letter-spacing: 0.06em; }
.kpi .value { font-size: 24px; font-weight: 650; line-height: 1.25; margin-top: 2px; }
.kpi .value small { font-size: 13px; font-weight: 500; color: var(--muted); margin-left: 3px; }
.kpi .sub { color: var(--dim); font-size: 12px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.legend { margin-left: auto; display: flex; gap: 12px; text-transform: none; letter-spacing: 0;
  font-weight: 400; }
.legend i { display: inline-block; width: 10px; height: 3px; border-radius: 2px;
  vertical-align: middle; margin-right: 5px; }
.chart { height: 236px; }
.chart svg { display: block; width: 100%; height: 100%; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { fill: var(--dim); font-size: 11px; font-family: var(--mono); }
.chart .total { fill: none; stroke: var(--accent); stroke-width: 2; stroke-linejoin: round; }
.chart .area { fill: url(#fade); }
.chart .dead { fill: none; stroke: var(--red); stroke-width: 1.5; stroke-linejoin: round; }
.chart .empty { fill: var(--dim); font-size: 12px; }
.chart .dot { fill: var(--accent); stroke: var(--bg); stroke-width: 2; }
.chart .dot.dead { fill: var(--red); }
.chart .cursor { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 3 3; }
.chart rect.tip { fill: var(--panel-hi); stroke: var(--line-hi); }
.chart text.tip { fill: var(--text); font-size: 11px; font-family: var(--mono); white-space: pre; }
.legend i.handled { background: var(--accent); }
.legend i.dead { background: var(--red); }
.workers {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px;
  max-height: 236px; overflow: auto;
}
.links { grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); }
.worker {
  background: var(--panel-hi); border: 1px solid var(--line); border-radius: 8px;
  padding: 7px 10px 5px; display: grid; gap: 3px; align-content: start;
}
.worker .head { display: flex; justify-content: space-between; align-items: baseline; }
.worker .id { font-weight: 600; }
.badge {
  font-size: 10px; padding: 1px 6px; border-radius: 4px; text-transform: uppercase;
  letter-spacing: 0.04em; background: var(--line); color: var(--muted);
}
.badge.up { color: var(--green); background: rgba(61, 220, 151, 0.12); }
.badge.pool { color: var(--violet); background: rgba(169, 139, 255, 0.12); }
.badge.fail { color: var(--red); background: rgba(255, 93, 108, 0.12); }
.badge.dead { color: var(--amber); background: rgba(245, 181, 68, 0.12); }
.worker .busy { display: flex; align-items: center; gap: 8px; font-size: 12px; }
.worker .busy b { width: 36px; text-align: right; font-weight: 600; }
.worker .line { display: flex; justify-content: space-between; color: var(--muted);
  font-size: 12px; }
.worker .line span:first-child { color: var(--text); font-weight: 600; }
.worker svg { width: 100%; height: 22px; display: block; }
.worker svg polyline { fill: none; stroke: var(--accent); stroke-width: 1.3; }
.bar {
  flex: 1; height: 8px; border-radius: 4px; background: var(--line); overflow: hidden;
  min-width: 60px;
}
.bar > i { display: block; height: 100%; border-radius: 4px; transition: width 0.35s ease; }
.ok { background: var(--green); }
.warm { background: var(--amber); }
.hot { background: var(--red); }
#filter {
  margin-left: auto; width: 240px; padding: 4px 9px; border-radius: 6px; font: inherit;
  text-transform: none; letter-spacing: 0; color: var(--text); background: var(--bg);
  border: 1px solid var(--line-hi); outline: none;
}
#filter:focus { border-color: var(--accent); }
.table-wrap { max-height: 430px; overflow: auto; border-top: 1px solid var(--line); }
table { width: 100%; border-collapse: collapse; }
th, td { padding: 5px 10px; text-align: left; white-space: nowrap; }
th {
  position: sticky; top: 0; background: var(--panel); color: var(--muted); font-weight: 500;
  font-size: 12px; cursor: pointer; user-select: none; border-bottom: 1px solid var(--line-hi);
}
th:hover { color: var(--text); }
th.sorted { color: var(--accent); }
th.sorted::after { content: " ▼"; font-size: 9px; }
th.sorted.up::after { content: " ▲"; }
td { border-bottom: 1px solid var(--line); }
tbody tr:hover td { background: var(--panel-hi); }
.num { text-align: right; }
td.name { font-weight: 550; }
td.name .ref { color: var(--dim); font-family: var(--mono); font-size: 11px; margin-left: 6px;
  font-weight: 400; }
td.fill { width: 190px; }
td.fill div { display: flex; align-items: center; gap: 8px; }
td.fill span { width: 38px; text-align: right; color: var(--muted); font-size: 12px; }
td .zero { color: var(--dim); }
td .bad { color: var(--red); font-weight: 600; }
.state { display: inline-flex; align-items: center; gap: 6px; }
.state::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: var(--dim); }
.state.running::before { background: var(--green); }
.state.starting::before { background: var(--accent); }
.state.stopping::before { background: var(--amber); }
.state.dead::before { background: var(--red); }
.more { color: var(--dim); padding: 8px 10px; }
.tree { max-height: 300px; overflow: auto; font-size: 12.5px; }
.tree ul { list-style: none; margin: 0; padding-left: 16px; border-left: 1px solid var(--line); }
.tree > ul { padding-left: 0; border-left: none; }
.tree li { padding: 1px 0; }
.tree .node { display: inline-flex; align-items: center; gap: 6px; padding: 1px 4px;
  border-radius: 4px; }
.tree .node:hover { background: var(--panel-hi); }
.tree .toggle { width: 14px; color: var(--muted); cursor: pointer; text-align: center;
  user-select: none; }
.tree .leaf { width: 14px; }
.tree .cls { color: var(--dim); }
.tree .tag { font-size: 11px; color: var(--amber); }
.tree .tag.bad { color: var(--red); }
.feed { list-style: none; margin: 0; padding: 0; max-height: 300px; overflow: auto; }
.feed li { display: grid; grid-template-columns: 62px minmax(0, 1fr); gap: 8px; padding: 5px 2px;
  border-bottom: 1px solid var(--line); }
.feed time { color: var(--dim); font-family: var(--mono); font-size: 11px; padding-top: 1px; }
.feed .what { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.feed .why { display: block; color: var(--muted); font-size: 12px; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.feed .what.row { display: flex; align-items: center; gap: 6px; }
.feed .cut { overflow: hidden; text-overflow: ellipsis; }
.feed .times { color: var(--amber); font-weight: 600; margin-left: auto; padding-left: 6px; }
.feed li.fresh { animation: flash 1.2s ease-out; }
@keyframes flash { from { background: rgba(255, 93, 108, 0.14); } to { background: none; } }
.nothing { color: var(--dim); padding: 6px 2px; }
.offline #links-hint { color: var(--red); }
.kinds { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 6px; }
.kinds:empty { display: none; }
.kinds span { font-size: 12px; color: var(--muted); padding: 2px 8px; border-radius: 999px;
  background: var(--panel-hi); border: 1px solid var(--line); }
.kinds b { color: var(--amber); font-weight: 600; margin-left: 4px; }
`;
