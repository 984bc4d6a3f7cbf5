// @ts-nocheck: this runs in the browser (see PAGE_SCRIPT); Deno's types have no DOM.
/**
 * The live view's script, as a function whose source the server sends (`PAGE_SCRIPT`): written
 * here as code, so it is formatted and linted like the rest, yet served as plain JavaScript with
 * nothing to build. It opens the view's event stream and draws each snapshot: the figures at the
 * top, the throughput chart, the Workers, the cluster's links, the actors' table (sorted by a click on a header), the
 * supervision tree, and the failures and dead letters as they come.
 *
 * @module
 */

import { liveViewChart } from "./chart.ts";

function liveViewPage(makeCharts) {
  const HISTORY_MS = 5 * 60_000;
  const FEED_KEPT = 200;
  const ROWS_SHOWN = 300;
  const token = document.querySelector('meta[name="ringmail-token"]').content;
  const withToken = (path) => token ? `${path}?token=${encodeURIComponent(token)}` : path;
  const $ = (id) => document.getElementById(id);
  const view = {
    snapshot: null,
    history: [],
    failures: [],
    deadLetters: [],
    sort: { key: "waiting", down: true },
    filter: "",
    collapsed: new Set(),
    drawnFeedAt: 0,
    pointerX: null,
  };

  // --- words and numbers ---
  const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  function count(n) {
    if (n < 1000) return String(Math.round(n));
    const units = ["k", "M", "G", "T"];
    let unit = -1;
    while (n >= 999.5 && unit < units.length - 1) {
      n /= 1000;
      unit++;
    }
    return (n < 9.95 ? n.toFixed(1) : Math.round(n)) + units[unit];
  }
  const rate = (n) => n > 0 && n < 9.95 ? n.toFixed(1) : count(n);
  const percent = (fraction) => `${Math.round(fraction * 100)}%`;
  const tone = (fraction) => fraction < 0.5 ? "ok" : fraction < 0.85 ? "warm" : "hot";
  const zeroable = (n, text = count(n)) => n === 0 ? `<span class="zero">0</span>` : text;
  function duration(ms) {
    const s = Math.floor(ms / 1000);
    if (s < 60) return `${s}s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
    return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
  }
  const clock = (at) => new Date(at).toLocaleTimeString([], { hour12: false });
  const fillOf = (actor) =>
    actor.mailbox.capacityBytes > 0 ? actor.mailbox.usedBytes / actor.mailbox.capacityBytes : 0;
  const idOf = (ref) => ref.slice(ref.lastIndexOf("#"));

  // --- the figures at the top ---
  function drawFigures(s) {
    const { waiting, failures, restarts, running } = s.totals;
    const busy = s.workers.reduce((sum, w) => sum + w.busy, 0) / (s.workers.length || 1);
    const last = view.history[view.history.length - 1];
    const kinds = Object.entries(s.deadLetters.byKind).sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${count(n)} ${kind}`).join(" · ");
    const tiles = [
      [
        "Handled / s",
        rate(s.handledRate.lastSecond),
        "accent",
        `${count(s.handled)} in all · ${rate(s.handledRate.lastTenSeconds)}/s over 10 s`,
      ],
      ["Actors", count(s.actorsInAll), "green", `${running} running · ${count(waiting)} waiting`],
      ["Workers", count(s.workers.length), "violet", `${percent(busy)} busy on average`],
      [
        "Dead letters",
        count(s.deadLetters.total),
        "amber",
        last && last.dead > 0 ? `${rate(last.dead)}/s now · ${kinds}` : kinds || "none",
      ],
      ["Failures", count(failures), "red", `${count(restarts)} restarts`],
      ["Pending calls", count(s.pendingCalls), "muted", "Bridge calls awaiting a reply"],
    ];
    $("kpis").innerHTML = tiles.map(([label, value, color, sub]) =>
      `<div class="kpi" style="--tone: var(--${color})"><div class="label">${label}</div>` +
      `<div class="value">${value}</div><div class="sub" title="${escape(sub)}">${
        escape(sub)
      }</div></div>`
    ).join("");
    $("uptime").textContent = `up ${duration(s.upMs)}`;
  }

  // --- the throughput chart ---
  const charts = makeCharts({ count, rate, clock });
  function drawChart() {
    charts.drawChart($("chart"), view.history, view.pointerX);
  }

  // --- the Workers ---
  function drawWorkers(s) {
    const recent = view.history.slice(-120);
    const workers = [...s.workers].sort((a, b) => a.threadId - b.threadId);
    $("workers-hint").textContent = `${workers.length} running`;
    $("workers").innerHTML =
      workers.map((w) =>
        `<div class="worker"><div class="head"><span class="id">Worker ${w.threadId}</span>` +
        `<span class="badge ${w.kind}">${w.kind}</span></div>` +
        `<div class="busy"><span class="muted">busy</span><div class="bar"><i class="${
          tone(w.busy)
        }" style="width: ${(w.busy * 100).toFixed(1)}%"></i></div><b>${percent(w.busy)}</b></div>` +
        `<div class="line"><span>${rate(w.handledRate.lastSecond)}/s</span><span>${w.actors} ${
          w.actors === 1 ? "actor" : "actors"
        }</span></div>` + charts.sparkline(recent.map((p) => p.workers[w.threadId] ?? 0)) + `</div>`
      ).join("") || `<div class="nothing">no Worker running</div>`;
  }

  // --- the links to the cluster's other nodes (the panel shows only in a cluster) ---
  function drawLinks(s) {
    const links = s.links ?? [];
    // connected is null outside a cluster (and absent from an older system's snapshots).
    const inCluster = s.connected === true || s.connected === false;
    $("links-panel").hidden = !inCluster && links.length === 0;
    const up = links.filter((l) => l.up).length;
    // A lost connection first: every link's figures stand still until it is back.
    $("links-hint").textContent =
      (s.connected === false ? "connection to the NATS server lost · " : "") +
      `${up} up` + (up < links.length ? ` · ${links.length - up} down` : "");
    $("links-panel").classList.toggle("offline", s.connected === false);
    if (links.length === 0) {
      $("links").innerHTML = `<div class="nothing">no other node yet</div>`;
      return;
    }
    const line = (figure, what) =>
      `<div class="line"><span>${figure}</span><span>${what}</span></div>`;
    $("links").innerHTML = links.map((l) =>
      `<div class="worker" title="${escape(l.reason)}"><div class="head">` +
      `<span class="id">node ${l.node}</span>` +
      `<span class="badge ${l.up ? "up" : "fail"}">${l.up ? "up" : "down"}</span></div>` +
      line(l.roundTripMs < 0 ? "–" : `${l.roundTripMs.toFixed(2)} ms`, "round trip") +
      line(`${rate(l.recordsSentRate.lastSecond)}/s`, "messages out") +
      line(`${rate(l.recordsReceivedRate.lastSecond)}/s`, "messages in") +
      line(count(l.waitingForCredit), `wait for credit · ${count(l.creditStalls)} stalls`) +
      `</div>`
    ).join("");
  }

  // --- the actors' table ---
  const SORT_KEYS = {
    name: (a) => a.name.toLowerCase(),
    className: (a) => a.className.toLowerCase(),
    worker: (a) => a.worker,
    state: (a) => a.state,
    waiting: (a) => a.mailbox.waiting,
    fill: fillOf,
    rate: (a) => a.handledRate.lastSecond,
    handled: (a) => a.handled,
    sent: (a) => a.sent,
    failures: (a) => a.failures,
    restarts: (a) => a.restarts,
  };
  function sorted(actors) {
    const key = SORT_KEYS[view.sort.key], sign = view.sort.down ? -1 : 1;
    return actors.sort((a, b) => {
      const ka = key(a), kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
      return b.handledRate.lastSecond - a.handledRate.lastSecond || (a.ref < b.ref ? -1 : 1);
    });
  }
  function drawActors(s) {
    const filter = view.filter;
    const matching = s.actors.filter((a) =>
      !filter || a.name.toLowerCase().includes(filter) ||
      a.className.toLowerCase().includes(filter) || String(a.worker) === filter
    );
    const rows = sorted(matching).slice(0, ROWS_SHOWN).map((a) => {
      const fill = fillOf(a);
      const shown = fill > 0 ? Math.max(fill * 100, 1.5) : 0;
      const title = a.lastFailure
        ? ` title="last failure: ${escape(a.lastFailure.errorName)}: ${
          escape(a.lastFailure.message)
        }"`
        : "";
      return `<tr data-ref="${escape(a.ref)}"><td class="name">${escape(a.name)}` +
        `<span class="ref">${escape(idOf(a.ref))}</span></td>` +
        `<td class="muted">${escape(a.className)}</td><td class="num">${a.worker}</td>` +
        `<td><span class="state ${a.state}">${a.state}</span></td>` +
        `<td class="num">${zeroable(a.mailbox.waiting)}</td>` +
        `<td class="fill"><div><div class="bar"><i class="${tone(fill)}" style="width: ${
          shown.toFixed(1)
        }%"></i></div><span>${fill > 0 && fill < 0.01 ? "<1%" : percent(fill)}</span></div></td>` +
        `<td class="num">${
          zeroable(a.handledRate.lastSecond, rate(a.handledRate.lastSecond))
        }</td>` +
        `<td class="num">${zeroable(a.handled)}</td><td class="num">${zeroable(a.sent)}</td>` +
        `<td class="num"${title}>${
          a.failures ? `<span class="bad">${count(a.failures)}</span>` : zeroable(0)
        }</td>` +
        `<td class="num">${
          a.restarts ? `<span class="bad">${count(a.restarts)}</span>` : zeroable(0)
        }` +
        `</td></tr>`;
    });
    if (matching.length > ROWS_SHOWN) {
      rows.push(
        `<tr><td colspan="11" class="more">${
          count(matching.length - ROWS_SHOWN)
        } more: sort or filter to see them</td></tr>`,
      );
    }
    document.querySelector("#actors tbody").innerHTML = rows.join("") ||
      `<tr><td colspan="11" class="more">no actor${filter ? " matches" : " yet"}</td></tr>`;
    $("actors-hint").textContent = filter
      ? `${matching.length} of ${s.actors.length}`
      : s.actorsInAll > s.actors.length
      ? `${count(s.actorsInAll)} alive · the ${s.actors.length} busiest here`
      : `${s.actors.length} alive`;
    for (const th of document.querySelectorAll("#actors th")) {
      th.classList.toggle("sorted", th.dataset.key === view.sort.key);
      th.classList.toggle("up", th.dataset.key === view.sort.key && !view.sort.down);
    }
  }

  // --- the supervision tree ---
  function drawTree(s) {
    const known = new Set(s.actors.map((a) => a.ref));
    const childrenOf = new Map();
    const roots = [];
    for (const actor of s.actors) {
      if (actor.parent !== null && known.has(actor.parent)) {
        if (!childrenOf.has(actor.parent)) childrenOf.set(actor.parent, []);
        childrenOf.get(actor.parent).push(actor);
      } else roots.push(actor);
    }
    const byName = (a, b) => a.name.localeCompare(b.name) || (a.ref < b.ref ? -1 : 1);
    const node = (a) => {
      const kids = (childrenOf.get(a.ref) ?? []).sort(byName);
      const open = !view.collapsed.has(a.ref);
      const toggle = kids.length
        ? `<span class="toggle" data-ref="${escape(a.ref)}">${open ? "▾" : "▸"}</span>`
        : `<span class="leaf"></span>`;
      const tags =
        (a.mailbox.waiting > 0
          ? `<span class="tag">${count(a.mailbox.waiting)} waiting</span>`
          : "") +
        (a.restarts > 0 ? `<span class="tag bad">↻ ${count(a.restarts)}</span>` : "") +
        (kids.length && !open ? `<span class="cls">(${kids.length})</span>` : "");
      return `<li><span class="node">${toggle}<span class="state ${a.state}"></span>${
        escape(a.name)
      } <span class="cls">${escape(a.className)} · W${a.worker}</span>${tags}</span>${
        kids.length && open ? `<ul>${kids.map(node).join("")}</ul>` : ""
      }</li>`;
    };
    roots.sort(byName);
    $("tree-hint").textContent = `${roots.length} top-level`;
    $("tree").innerHTML = `<ul>${roots.slice(0, ROWS_SHOWN).map(node).join("")}</ul>`;
  }

  // --- failures and dead letters, as they come ---
  /** Dead letters in a row to one actor for one reason, as one line that counts them. */
  function grouped(entries) {
    const groups = [];
    for (const entry of entries) {
      const last = groups[groups.length - 1];
      if (last && last.entry.target === entry.target && last.entry.kind === entry.kind) {
        last.times += entry.count;
        last.entry = entry;
      } else groups.push({ entry, times: entry.count });
    }
    return groups.reverse().slice(0, 100);
  }
  function drawFeed() {
    const fresh = (at) => at > view.drawnFeedAt ? ` class="fresh"` : "";
    const times = (n) => n > 1 ? `<span class="times">×${count(n)}</span>` : "";
    $("failures").innerHTML =
      view.failures.slice(-100).reverse().map((e) =>
        `<li${fresh(e.at)}><time>${clock(e.at)}</time><div><span class="what">` +
        `<span class="badge fail">fail</span> ${escape(e.actor)} <span class="muted">on</span> ${
          escape(e.messageClass)
        }</span><span class="why" title="${escape(e.error)}">${escape(e.error)}</span></div></li>`
      ).join("") || `<li class="nothing">no failure yet</li>`;
    $("dead").innerHTML =
      grouped(view.deadLetters).map(({ entry: e, times: n }) =>
        `<li><time>${clock(e.at)}</time><div><span class="what row">` +
        `<span class="badge dead">${escape(e.kind)}</span><span class="cut">` +
        `<span class="muted">to</span> ${escape(e.target || "?")}</span>${times(n)}</span>` +
        `<span class="why" title="${escape(e.reason)}">${escape(e.messageClass)} · ${
          escape(e.reason)
        }</span></div></li>`
      ).join("") || `<li class="nothing">no dead letter yet</li>`;
    $("failures-hint").textContent = view.failures.length ? "latest first" : "";
    const last = view.failures[view.failures.length - 1];
    if (last) view.drawnFeedAt = Math.max(view.drawnFeedAt, last.at);
  }
  /** The dead letters' counts by kind, over the whole run (the snapshot's). */
  function drawDeadCounts(s) {
    $("dead-kinds").innerHTML = Object.entries(s.deadLetters.byKind)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `<span>${escape(kind)}<b>${count(n)}</b></span>`).join("");
    $("dead-hint").textContent = s.deadLetters.total > 0
      ? `${count(s.deadLetters.total)} in all · the last ${view.deadLetters.length} below`
      : "";
  }

  function draw() {
    const s = view.snapshot;
    if (s === null) return;
    drawFigures(s);
    drawChart();
    drawWorkers(s);
    drawLinks(s);
    drawActors(s);
    drawTree(s);
    drawDeadCounts(s);
  }

  // --- the stream, and what the user clicks ---
  function connected(live) {
    const conn = $("conn");
    conn.className = `conn ${live ? "live" : "lost"}`;
    conn.textContent = live ? "live" : "reconnecting…";
  }
  function trimHistory() {
    const last = view.history[view.history.length - 1];
    while (last && view.history[0].at < last.at - HISTORY_MS) view.history.shift();
  }
  const stream = new EventSource(withToken("api/stream"));
  stream.addEventListener("hello", (event) => {
    const state = JSON.parse(event.data);
    view.snapshot = state.snapshot;
    view.history = state.history.slice();
    view.failures = state.failures.slice();
    view.deadLetters = state.deadLetters.slice();
    connected(true);
    draw();
    drawFeed();
  });
  stream.addEventListener("snapshot", (event) => {
    const { snapshot, point } = JSON.parse(event.data);
    view.snapshot = snapshot;
    view.history.push(point);
    trimHistory();
    connected(true);
    draw();
  });
  stream.addEventListener("feed", (event) => {
    for (const entry of JSON.parse(event.data)) {
      const list = entry.type === "failure" ? view.failures : view.deadLetters;
      list.push(entry);
      if (list.length > FEED_KEPT) list.shift();
    }
    drawFeed();
  });
  stream.addEventListener("error", () => connected(false));

  document.querySelector("#actors thead").addEventListener("click", (event) => {
    const key = event.target.closest("th")?.dataset.key;
    if (!key) return;
    if (view.sort.key === key) view.sort.down = !view.sort.down;
    else view.sort = { key, down: !["name", "className", "state"].includes(key) };
    if (view.snapshot) drawActors(view.snapshot);
  });
  $("filter").addEventListener("input", (event) => {
    view.filter = event.target.value.trim().toLowerCase();
    if (view.snapshot) drawActors(view.snapshot);
  });
  $("tree").addEventListener("click", (event) => {
    const ref = event.target.closest(".toggle")?.dataset.ref;
    if (!ref) return;
    if (!view.collapsed.delete(ref)) view.collapsed.add(ref);
    if (view.snapshot) drawTree(view.snapshot);
  });
  addEventListener("resize", () => view.snapshot && drawChart());
  $("chart").addEventListener("mousemove", (event) => {
    view.pointerX = event.clientX - event.currentTarget.getBoundingClientRect().left;
    drawChart();
  });
  $("chart").addEventListener("mouseleave", () => {
    view.pointerX = null;
    drawChart();
  });
}

/**
 * The page's script: {@link liveViewPage}'s source, called once the page has loaded with the
 * charts of chart.ts.
 */
export const PAGE_SCRIPT: string =
  `"use strict";\n(${liveViewPage.toString()})(\n${liveViewChart.toString()});\n`;
