// browser.mjs — payband's page in Debian's chromium (playwright-core): the
// market search draws the band chart with the API's figures, two offers
// compared show P(A beats B) as the API computes it, a plan downloads as
// Markdown, nothing a user types is echoed as markup, the page fits a
// phone's width, and no script error or policy violation happens on the
// way. A screenshot of each view at desktop and phone widths goes to the
// directory given.
//
// usage: node browser.mjs PAYBAND SCREENSHOT_DIR
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const [payband, shots] = process.argv.slice(2);
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const WAIT = 120000; // generous: the sanitizer build on a busy machine

const results = [];
async function test(name, fn) {
  try {
    await fn();
    results.push(true);
    console.log(`ok ${name}`);
  } catch (e) {
    results.push(false);
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split("\n")[0] : e}`);
  }
}
function expect(cond, what) {
  if (!cond) throw new Error(what);
}

// ---- the server ------------------------------------------------------------------

const TOKEN = "browser-test-token-0123456789";

function startServer(dir) {
  writeFileSync(join(dir, "token"), `${TOKEN}\n`, { mode: 0o600 });
  return new Promise((ok, fail) => {
    // tests/web/run names a fresh PostgreSQL database here when PAYBAND_TEST_PG is set
    const db = process.env.PAYBAND_WEB_DB || join(dir, "payband.db");
    const proc = spawn(payband, ["serve", "--db", db, "--listen",
      "127.0.0.1:0", "--rate-limit", "0", "--token-file", join(dir, "token")],
    { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    const timer = setTimeout(() => fail(new Error(`no server after 60 s: ${err}`)), 60000);
    proc.stderr.on("data", (d) => {
      err += d;
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        ok({ proc, base: `http://127.0.0.1:${m[1]}`, log: () => err });
      }
    });
    proc.on("exit", (code) => fail(new Error(`payband serve exited ${code}: ${err}`)));
  });
}

function stopServer(server) {
  return new Promise((ok) => {
    if (server.proc.exitCode !== null) return ok(server.proc.exitCode);
    const timer = setTimeout(() => { server.proc.kill("SIGKILL"); ok(null); }, 60000);
    server.proc.on("exit", (code) => { clearTimeout(timer); ok(code); });
    server.proc.kill("SIGTERM");
  });
}

async function api(server, path, init) {
  const r = await fetch(server.base + path, init);
  expect(r.ok, `${path}: ${r.status}`);
  return r.json();
}

// ---- the page ----------------------------------------------------------------------

// The whole page at a desktop's width; at a phone's, the screen that shows
// `results` (scrolled there). The page must not be wider than either.
async function shoot(page, name, results) {
  for (const [label, size] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150); // charts resize on the next frame
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    expect(fits, `${name} is wider than a ${size.width}px screen`);
    if (label === "phone")
      await page.evaluate((sel) => document.querySelector(sel).scrollIntoView(), results);
    await page.screenshot({ path: join(shots, `${name}-${label}.png`), fullPage: label === "desktop" });
  }
  await page.setViewportSize(DESKTOP);
}

// The figures a chart holds, and whether it drew anything on its canvas.
// Chart.js sizes its canvas on a later frame than the one that shows it:
// wait (up to 10 s) for a canvas with a size; one that never gets one
// counts as drawing nothing.
async function chartOf(page, id) {
  await page
    .waitForFunction((canvasId) => {
      const canvas = document.getElementById(canvasId);
      return canvas && canvas.width > 0 && canvas.height > 0 && window.Chart.getChart(canvas);
    }, id, { timeout: 10000 })
    .catch(() => {});
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId);
    const chart = window.Chart.getChart(canvas);
    if (!chart) return null;
    const px = canvas.width && canvas.height
      ? canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data
      : [];
    let inked = 0;
    for (let i = 3; i < px.length; i += 4 * 7) if (px[i] > 0) inked++;
    return {
      labels: chart.data.labels,
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
      inked,
    };
  }, id);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "payband-web-"));
  const server = await startServer(dir);
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: DESKTOP,
    acceptDownloads: true,
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(WAIT);
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  // Only the server itself: nothing leaves for the network.
  const foreign = [];
  await context.route((url) => !url.href.startsWith(server.base), (route) => {
    foreign.push(route.request().url());
    route.abort();
  });

  try {
    // Offer reports for the market view's band from reports and box plot.
    await api(server, "/api/v1/reports/import?file=hf-paris.csv", {
      method: "POST",
      headers: { "Content-Type": "text/csv", Authorization: `Bearer ${TOKEN}` },
      body: readFileSync(join(ROOT, "tests/fixtures/reports/hf-paris.csv")),
    });

    await test("the page loads its own files and nothing else", async () => {
      await page.goto(server.base + "/");
      await page.waitForSelector("body[data-ready='true']");
      expect(foreign.length === 0, `requests elsewhere: ${foreign.join(", ")}`);
      const csp = (await (await fetch(server.base + "/")).headers.get("content-security-policy")) || "";
      expect(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline"), `CSP: ${csp}`);
    });

    await test("Hugging Face senior software engineer in Paris: the chart shows the API's figures", async () => {
      await page.fill("#band-form [name=company]", "Hugging Face");
      await page.fill("#band-form [name=role]", "senior software engineer");
      await page.fill("#band-form [name=region]", "Paris");
      await page.click("#band-form button");
      await page.waitForSelector("#band-results:not([hidden])");
      const want = await api(server, "/api/v1/bands?company=Hugging%20Face&role=senior%20software%20engineer&region=Paris");
      expect(want.length === 2, `the API gave ${want.length} bands, not the guide's and the reports'`);
      const chart = await chartOf(page, "band-chart");
      expect(chart, "no chart on the canvas");
      expect(chart.inked > 100, "the chart's canvas is blank");
      expect(chart.labels.length === 2, `the chart has ${chart.labels.length} rows`);
      const series = Object.fromEntries(chart.datasets.map((d) => [d.label, d.data[0]]));
      const reported = Object.fromEntries(chart.datasets.map((d) => [d.label, d.data[1]]));
      const b = want[0], r = want[1];
      expect(r.kind === "reports", "the second band is not the reports'");
      expect(Array.isArray(reported["Total comp (computed)"]) &&
             reported["Total comp (computed)"][0] === r.tc_low &&
             reported["Total comp (computed)"][1] === r.tc_high,
             `reports' total comp ${reported["Total comp (computed)"]}`);
      const same = (got, lo, hi) => Array.isArray(got) && got[0] === lo && got[1] === hi;
      expect(same(series["Base"], b.base_low, b.base_high), `base ${series["Base"]}`);
      expect(same(series["Total comp (computed)"], b.tc_low, b.tc_high), `computed ${series["Total comp (computed)"]}`);
      expect(same(series["Total comp (stated)"], b.stated_tc_low, b.stated_tc_high), `stated ${series["Total comp (stated)"]}`);
      expect(b.tc_low === 103000 && b.tc_high === 153750, `the API's total comp is ${b.tc_low}–${b.tc_high}`);
      const row = await page.textContent("#band-table tbody tr");
      expect(row.includes("€103K–€153.8K") && row.includes("€103K–€154K"), `table row: ${row}`);
      expect(!b.stale || row.includes("STALE"), "a stale band is not flagged in the table");
      const levels = await page.locator("#levels-table tbody tr").count();
      expect(levels > 0, "no level map");
      await page.waitForSelector("#percentiles:not([hidden])");
      const pct = await api(server, "/api/v1/reports/percentiles?company=Hugging%20Face&role=senior%20software%20engineer&region=Paris");
      const box = await chartOf(page, "percentile-chart");
      const inner = box && box.datasets.find((d) => d.label === "p25–p75");
      expect(inner && inner.data[0][0] === pct[0].p25 && inner.data[0][1] === pct[0].p75,
             `box ${inner && inner.data[0]} against p25–p75 ${pct[0].p25}–${pct[0].p75}`);
      await shoot(page, "market", "#band-summary");
    });

    await test("two offers compared: P(A beats B) on the page is the API's", async () => {
      await page.goto(server.base + "/#offers");
      await page.setInputFiles("#offer-file-a", join(ROOT, "examples/offers/google-paris-l4.yaml"));
      await page.setInputFiles("#offer-file-b", join(ROOT, "examples/offers/hugging-face-paris-senior.yaml"));
      await page.waitForFunction(() => document.getElementById("offer-text-b").value.length > 0);
      await page.fill("#offer-form [name=simulations]", "20000");
      await page.fill("#offer-form [name=seed]", "7");
      await page.click("#offer-form .settings button");
      await page.waitForSelector("#offer-results:not([hidden])");
      const texts = ["google-paris-l4.yaml", "hugging-face-paris-senior.yaml"]
        .map((f) => readFileSync(join(ROOT, "examples/offers", f), "utf8"));
      const want = await api(server, "/api/v1/compare?years=4&simulations=20000&seed=7", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ offers: texts, files: ["google-paris-l4.yaml", "hugging-face-paris-senior.yaml"] }),
      });
      const [a, b] = want.offers;
      const p = `${(a.p_beats[b.name] * 100).toFixed(1)}%`;
      const shown = await page.textContent("#p-beats");
      expect(shown.includes(`P(${a.name} beats ${b.name}) = ${p}`), `page says "${shown}", API ${p}`);
      const dist = await chartOf(page, "distribution-chart");
      expect(dist && dist.datasets.length === 2 && dist.inked > 100, "no distribution chart");
      const sched = await chartOf(page, "schedule-chart");
      expect(sched && sched.datasets.length === 8 && sched.labels.length === 4, "no schedule chart");
      const base = sched.datasets.find((d) => d.label === `${a.name}: Base`);
      expect(base && base.data[0] === 105000, `year 1 base of ${a.name}: ${base && base.data[0]}`);
      await shoot(page, "offers", "#p-beats");
    });

    await test("a plan is shown and downloads as Markdown", async () => {
      await page.goto(server.base + "/#plan");
      await page.fill("#plan-form [name=company]", "hugging-face");
      await page.fill("#plan-form [name=role]", "senior-software-engineer");
      await page.fill("#plan-form [name=region]", "Paris");
      await page.click("#plan-form button");
      await page.waitForSelector("#plan-results:not([hidden])");
      const want = await api(server, "/api/v1/plan", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ company: "hugging-face", role: "senior-software-engineer", region: "Paris" }),
      });
      const ask = await page.textContent("#plan-ask");
      const base = `€${Math.round(want.ask.base.amount / 1000)}K base`;
      expect(ask.includes(base), `ask "${ask}" lacks ${base}`);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#plan-download")]);
      const file = join(dir, "plan.md");
      await download.saveAs(file);
      const md = readFileSync(file, "utf8");
      expect(download.suggestedFilename() === "payband-plan.md", download.suggestedFilename());
      expect(md.includes("Hugging Face") && md.startsWith("---") || md.startsWith("#"), "the download is not the plan");
      await shoot(page, "plan", "#plan-results");
    });

    await test("what a user types is shown as text, never run as markup", async () => {
      await page.goto(server.base + "/#market");
      await page.fill("#band-form [name=company]", "<img src=x onerror=alert(1)>");
      await page.click("#band-form button");
      await page.waitForSelector("#error:not([hidden])");
      const text = await page.textContent("#error");
      expect(text.includes("<img src=x onerror=alert(1)>"), `error shows "${text}"`);
      const imgs = await page.locator("img").count();
      expect(imgs === 0 && dialogs === 0, "the markup was run");
    });

    await test("no script errors or policy violations", async () => {
      const real = problems.filter((p) => !/status of 40[14]/.test(p));
      expect(real.length === 0, real.join(" | "));
    });
  } finally {
    await context.close();
    const code = await stopServer(server);
    if (code !== 0) {
      results.push(false);
      console.log(`FAIL the server did not stop cleanly (exit ${code}): ${server.log().slice(-500)}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const passed = results.filter(Boolean).length;
  console.log(`web: ${passed} passed, ${results.length - passed} failed, 0 skipped`);
  process.exit(results.every(Boolean) ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL web: ${e.message}`);
  console.log(`web: 0 passed, 1 failed, 0 skipped`);
  process.exit(1);
});
