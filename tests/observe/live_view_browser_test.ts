/**
 * The live view's page in a real browser: headless Chromium (Debian's `chromium`, which CI
 * installs when missing) opens the view of examples/observe.ts's busy system and the test checks
 * what a user would see: the actors' table fills, the slow consumer's mailbox bar moves, the
 * chart gains points, the supervision tree shows the sensor under its supervisor, failures and
 * dead letters arrive, and a click on a header sorts the table. It saves a screenshot to
 * tests/observe/artifacts/live_view.png (not committed) to look at.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import puppeteer, { type Page } from "npm:puppeteer-core@25.16.0";
import { ActorSystem, Bridge } from "../../mod.ts";
import { Doubler } from "../_actors/basic.ts";
import { startBusySystem } from "../../examples/observe.ts";
import { startNatsServer } from "../remote/_nats_server.ts";

const CHROMIUM = "/usr/bin/chromium";
const INSTALL_CHROMIUM = "apt-get install -y chromium";
const ARTIFACTS = new URL("./artifacts/", import.meta.url);

/**
 * Waits until `condition` (JavaScript run in the page, where `arg` is the value given) holds;
 * bounded. In-page code is written as text: it runs in the browser, and the test's types have
 * no DOM.
 */
async function until(
  page: Page,
  what: string,
  condition: string,
  arg: unknown = null,
  ms = 20_000,
): Promise<void> {
  try {
    await page.waitForFunction(`(arg => ${condition})(${JSON.stringify(arg)})`, {
      timeout: ms,
      polling: 100,
    });
  } catch (error) {
    throw new Error(`${what}: not within ${ms} ms`, { cause: error });
  }
}

/** What `expression` (JavaScript run in the page) gives. */
async function read<T>(page: Page, expression: string): Promise<T> {
  return await page.evaluate(expression) as T;
}

/**
 * Opens `url` in headless Chromium and runs `look` on the page; then checks that the page logged
 * no error, and closes the browser whatever happened.
 */
async function inChromium(url: string, look: (page: Page) => Promise<void>): Promise<void> {
  await Deno.stat(CHROMIUM).catch(() => {
    throw new Error(`the browser test needs Chromium at ${CHROMIUM}: ${INSTALL_CHROMIUM}`);
  });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root (CI) Chromium runs only without its sandbox; /dev/shm may be small in containers.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.setViewport({ width: 1440, height: 1120 });
    await page.goto(url, { timeout: 20_000 });
    await look(page);
    assert.deepEqual(errors, [], "the page logged no error");
  } finally {
    await browser.close();
  }
}

Deno.test("live view in Chromium: actors, mailbox bars, the chart and the tree appear and update", async () => {
  await using system = new ActorSystem();
  startBusySystem(system);
  await using view = await system.observe({ port: 0 });
  await inChromium(view.url, async (page) => {
    // The nine actors of the busy system, each a row.
    const rows = "#actors tbody tr[data-ref]";
    await until(
      page,
      "nine actors in the table",
      `document.querySelectorAll(arg).length >= 9`,
      rows,
    );
    const namesShown = `[...document.querySelectorAll("${rows} td.name")]
      .map((cell) => cell.firstChild.textContent)`;
    const names = await read<string[]>(page, namesShown);
    for (const name of ["slow-consumer", "producer", "supervisor", "sensor", "cruncher-1"]) {
      assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
    }
    assert.equal(await read(page, `document.querySelector("#conn").textContent`), "live");

    // The flooded consumer's mailbox bar: it fills, then its width keeps changing.
    const width = `document.querySelector('tr[data-ref^="slow-consumer#"] td.fill .bar > i')
      ?.style.width`;
    await until(page, "the consumer's mailbox bar fills", `parseFloat(${width}) > 5`);
    const firstWidth = await read<string>(page, width);
    await until(page, "the consumer's mailbox bar moves", `${width} !== arg`, firstWidth);

    // The chart gains points as snapshots come.
    const points = `Number(document.querySelector("#chart svg")?.dataset.points)`;
    const before = await read<number>(page, points);
    await until(page, "the chart gains points", `${points} >= arg + 3`, before);
    assert.ok(await page.$("#chart svg polyline.total"), "the throughput line is drawn");

    // The supervision tree: the sensor under its supervisor, the crunchers under the dispatcher.
    const childrenIn = (parent: string) =>
      read<string[]>(
        page,
        `(() => {
          const nameOf = (node) => node.childNodes[2].textContent.trim();
          const item = [...document.querySelectorAll("#tree li")]
            .find((li) => nameOf(li.querySelector(".node")) === ${JSON.stringify(parent)});
          return item ? [...item.querySelectorAll(":scope > ul > li > .node")].map(nameOf) : [];
        })()`,
      );
    assert.deepEqual(await childrenIn("supervisor"), ["sensor"]);
    assert.deepEqual(await childrenIn("dispatcher"), [
      "cruncher-1",
      "cruncher-2",
      "cruncher-3",
      "cruncher-4",
    ]);

    // Dead letters (what the consumer's full mailbox drops) and the sensor's failure arrive.
    await until(
      page,
      "dead letters in the feed",
      `document.querySelectorAll("#dead li:not(.nothing)").length > 0`,
    );
    await until(
      page,
      "the sensor's failure in the feed",
      `document.querySelector("#failures").textContent.includes(arg)`,
      "the sensor misread",
    );

    // A click on "Actor" sorts by name.
    await page.click('#actors th[data-key="name"]');
    const sortedNames = await read<string[]>(page, namesShown);
    assert.deepEqual(sortedNames, [...sortedNames].sort((a, b) => a.localeCompare(b)));
    await page.click('#actors th[data-key="waiting"]'); // back to the fullest mailbox first

    // Enough of the chart to fill it (40 snapshots: 20 s), then the picture.
    await until(page, "twenty seconds of chart", `${points} >= arg`, 40, 45_000);
    // The pointer over the chart reads the point under it out.
    const box = (await (await page.$("#chart"))!.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.62, box.y + box.height / 2);
    await until(
      page,
      "the chart's readout under the pointer",
      `document.querySelector("#chart text.tip")?.textContent.includes("/s handled")`,
    );
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const path = new URL("live_view.png", ARTIFACTS).pathname;
    await page.screenshot({ path: path as `${string}.png`, fullPage: true });
    assert.ok((await Deno.stat(path)).size > 10_000, "a screenshot with something in it");
  });
});

Deno.test("live view in Chromium: in a cluster, the links panel shows the other node, and says when the connection to the NATS server is lost", async () => {
  await using server = await startNatsServer();
  const cluster = { servers: server.url, name: "viewed", downAfterMs: 60_000 };
  await using system = new ActorSystem({ cluster });
  await using other = new ActorSystem({ cluster });
  await Promise.all([system.joined, other.joined]);
  await using view = await system.observe({ port: 0 });
  await inChromium(view.url, async (page) => {
    const hint = `document.querySelector("#links-hint").textContent`;
    // In a cluster the panel shows before any other node is met (a link begins at first contact).
    await until(
      page,
      "the panel, with no link yet",
      `!document.querySelector("#links-panel").hidden &&
        document.querySelector("#links").textContent === "no other node yet"`,
    );
    await other.register("doubler", other.spawn(Doubler));
    using bridge = new Bridge(system);
    assert.equal(await bridge.call(await system.lookup<number>("doubler"), 21), 42);
    await until(
      page,
      "the other node's link, up",
      `!document.querySelector("#links-panel").hidden && ${hint}.startsWith("1 up") &&
        document.querySelector("#links").textContent.includes(arg)`,
      `node ${other.node}`,
    );
    server.kill("SIGKILL");
    await until(
      page,
      "the lost connection in the panel",
      `${hint}.startsWith("connection to the NATS server lost")`,
    );
    await server.restart();
    await until(page, "the connection back", `${hint}.startsWith("1 up")`);
  });
});
