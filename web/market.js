// market.js — the market view: search bands by company, role and region,
// chart stated against computed total comp with staleness, list the level
// map, and (when the server has offer reports) their percentiles.
import { get, showError, ApiError } from "./api.js";
import { bandChart, percentileChart } from "./charts.js";
import { money, range, pctRange } from "./format.js";

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function badge(parent, text, cls) {
  const b = document.createElement("span");
  b.className = `badge ${cls}`;
  b.textContent = text;
  parent.appendChild(b);
}

function fillList(id, values) {
  const list = document.getElementById(id);
  list.replaceChildren(...[...new Set(values)].sort().map((v) => {
    const o = document.createElement("option");
    o.value = v;
    return o;
  }));
}

// The currency most bands are in: the chart draws those.
function mainCurrency(bands) {
  const n = new Map();
  for (const b of bands) if (b.currency) n.set(b.currency, (n.get(b.currency) || 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] || null;
}

function renderBands(bands) {
  // A band from reports gives slugs only: take the names the documents give.
  const names = new Map();
  for (const b of bands) {
    if (b.company_name) names.set(b.company, b.company_name);
    if (b.role_name) names.set(b.role, b.role_name);
  }
  for (const b of bands) {
    if (!b.company_name && names.has(b.company)) b.company_name = names.get(b.company);
    if (!b.role_name && names.has(b.role)) b.role_name = names.get(b.role);
  }
  const tbody = document.querySelector("#band-table tbody");
  tbody.replaceChildren();
  for (const b of bands) {
    const tr = document.createElement("tr");
    const name = cell(tr, `${b.company_name || b.company} · ${b.role_name || b.role || "all roles"} · ` +
      `${b.region || "all regions"}${b.level ? ` · ${b.level}` : ""}`);
    if (b.kind === "reports") badge(name, "REPORTS", "reports");
    if (b.stale) badge(name, "STALE", "stale");
    cell(tr, range(b.base_low, b.base_high, b.currency), "num");
    cell(tr, b.equity_low == null ? "—" : `${range(b.equity_low, b.equity_high, b.currency)} / ${b.vest_years}y`, "num");
    cell(tr, pctRange(b.bonus_pct_low, b.bonus_pct_high), "num");
    const tc = cell(tr, range(b.tc_low, b.tc_high, b.currency), "num");
    if (b.tc_mismatch) badge(tc, "≠ stated", "mismatch");
    cell(tr, range(b.stated_tc_low, b.stated_tc_high, b.currency), "num");
    cell(tr, `${b.source_title}${b.line ? `, line ${b.line}` : ""}${b.as_of ? ` (as of ${b.as_of})` : ""}`);
    cell(tr, b.kind === "reports" ? "—" : `${b.review_due || "—"}${b.review_assumed ? " (assumed)" : ""}`);
    tbody.appendChild(tr);
  }
  const currency = mainCurrency(bands);
  const charted = bands.filter((b) => b.currency === currency);
  const canvas = document.getElementById("band-chart");
  canvas.parentElement.style.height = `${Math.max(14, Math.min(60, 6 + charted.length * 4.5))}rem`;
  bandChart(canvas, charted, currency);
  const stale = bands.filter((b) => b.stale).length;
  const others = bands.length - charted.length;
  let text = `${bands.length} band${bands.length === 1 ? "" : "s"}`;
  if (stale) text += `, ${stale} past ${stale === 1 ? "its" : "their"} review date`;
  if (others) text += `; ${others} in other currencies are in the table (choose a currency to chart them)`;
  const fx = bands.find((b) => b.fx);
  if (fx) text += `; converted at 1 ${fx.fx.from} = ${fx.fx.rate} ${fx.fx.to} (${fx.fx.date}, ${fx.fx.source})`;
  document.getElementById("band-summary").textContent = `${text}.`;
}

async function renderLevels(company, role) {
  const tbody = document.querySelector("#levels-table tbody");
  const empty = document.getElementById("levels-empty");
  const conflicts = document.getElementById("levels-conflicts");
  tbody.replaceChildren();
  conflicts.replaceChildren();
  empty.hidden = true;
  if (!role) {
    empty.textContent = "Give a role to see the levels stated equivalent at other companies.";
    empty.hidden = false;
    return;
  }
  let levels;
  try {
    levels = await get("/api/v1/levels", { company, role });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    empty.textContent = e.message;
    empty.hidden = false;
    return;
  }
  const statements = new Map();
  for (const q of levels.equivalents) {
    const tr = document.createElement("tr");
    const who = cell(tr, q.company_name);
    if (q.statement.stale) badge(who, "STALE", "stale");
    cell(tr, q.level);
    cell(tr, q.as_written, "wide-only");
    cell(tr, String(q.hops), "num");
    cell(tr, q.from);
    tbody.appendChild(tr);
    statements.set(q.from, q.statement);
  }
  document.getElementById("levels-statements").replaceChildren(...[...statements].map(([from, st]) => {
    const li = document.createElement("li");
    li.textContent = `${from}: ${st.chain}${st.stale ? " (past its review date)" : ""}`;
    return li;
  }));
  document.getElementById("levels-statements-box").hidden = statements.size === 0;
  for (const c of levels.conflicts) {
    const li = document.createElement("li");
    li.textContent = `${c.company}: ${c.levels.join(", ")} — ${c.reason}`;
    conflicts.appendChild(li);
  }
}

// Percentiles of offer reports by level, when the store holds enough of
// them: a box per group (p10–p90 whiskers, p25–p75 box, the median).
async function renderPercentiles(company, role, region, currency) {
  const section = document.getElementById("percentiles");
  section.hidden = true;
  let groups;
  try {
    const q = { company, role, region, currency };
    // every report of the search, then a group per level the reports give
    groups = [...await get("/api/v1/reports/percentiles", q),
      ...await get("/api/v1/reports/percentiles", { ...q, by: "level" })];
  } catch (e) {
    return; // no reports for this search (or none loaded)
  }
  const rows = groups.filter((g) => !g.suppressed && g.p50 != null)
    .map((g) => ({ ...g, label: `${g.level || "all levels"} (n = ${g.n})` }));
  const hidden = groups.length - rows.length;
  if (!rows.length) return;
  const cur = rows[0].currency;
  const canvas = document.getElementById("percentile-chart");
  canvas.parentElement.style.height = `${Math.max(10, 5 + rows.length * 3.5)}rem`;
  percentileChart(canvas, rows, cur);
  document.getElementById("percentile-note").textContent =
    `Total comp per year from ${rows.reduce((a, g) => a + g.n, 0)} offer reports, ` +
    `${rows[0].first_date} to ${rows[0].last_date}; figures rounded to ${money(rows[0].step, cur)}` +
    (hidden ? `; ${hidden} group${hidden === 1 ? "" : "s"} of fewer than 6 reports not shown.` : ".");
  section.hidden = false;
}

export async function searchBands(form) {
  const f = new FormData(form);
  const q = { company: f.get("company").trim(), role: f.get("role").trim(), region: f.get("region").trim(), currency: f.get("currency") };
  const bands = await get("/api/v1/bands", q);
  document.getElementById("band-results").hidden = false;
  renderBands(bands);
  await renderLevels(q.company, q.role);
  await renderPercentiles(q.company, q.role, q.region, q.currency);
}

export function initMarket() {
  const form = document.getElementById("band-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError(null);
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await searchBands(form);
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  });
  get("/api/v1/bands").then((all) => {
    fillList("companies", all.map((b) => b.company_name));
    fillList("roles", all.map((b) => b.role_name));
    fillList("regions", all.map((b) => b.region));
  }).catch(() => { /* the lists only help typing */ });
}
