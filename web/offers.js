// offers.js — the offers view: two offer files pasted or uploaded, compared
// under uncertainty (P(A beats B), the distribution of each), and their
// year-by-year schedules side by side.
import { post, showError } from "./api.js";
import { distributionChart, scheduleChart } from "./charts.js";
import { money, pct } from "./format.js";

const slots = ["a", "b"];
const names = { a: "offer-a.yaml", b: "offer-b.yaml" };

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

function renderTable(result) {
  const tbody = document.querySelector("#offer-table tbody");
  tbody.replaceChildren();
  for (const o of result.offers) {
    const tr = document.createElement("tr");
    cell(tr, o.name);
    cell(tr, money(o.deterministic_total, result.currency), "num");
    cell(tr, money(o.simulated.p5, result.currency), "num");
    cell(tr, money(o.simulated.p50, result.currency), "num");
    cell(tr, money(o.simulated.p95, result.currency), "num");
    cell(tr, money(o.simulated.mean, result.currency), "num");
    cell(tr, money(o.certainty_equivalent, result.currency), "num");
    tbody.appendChild(tr);
  }
}

async function compare(form) {
  const texts = slots.map((s) => document.getElementById(`offer-text-${s}`).value);
  if (texts.some((t) => !t.trim())) throw new Error("give both offers: paste each file or upload it");
  const f = new FormData(form);
  const params = {
    years: f.get("years"), simulations: f.get("simulations"), seed: f.get("seed").trim(),
    currency: f.get("currency"), histogram: 40,
  };
  const result = await post("/api/v1/compare", params,
    { offers: texts, files: slots.map((s) => names[s]) });
  const [a, b] = result.offers;
  document.getElementById("p-beats").textContent =
    `P(${a.name} beats ${b.name}) = ${pct(a.p_beats[b.name])} over ${result.years} years ` +
    `(${result.simulations.toLocaleString("en")} simulations, seed ${result.seed})`;
  renderTable(result);
  const schedules = await Promise.all(texts.map((t, i) => post("/api/v1/offer",
    { currency: result.currency, years: result.years, file: names[slots[i]] }, t, "application/yaml")));
  schedules.forEach((s, i) => { s.name = result.offers[i].name; });
  document.getElementById("offer-results").hidden = false;
  scheduleChart(document.getElementById("schedule-chart"), schedules, result.currency);
  document.getElementById("schedule-note").textContent =
    `Each year: ${schedules.map((s) => s.name).join(" on the left, ")} on the right (lighter), ` +
    `in ${result.currency}${result.fx.length ? ` at ${result.fx.map((q) => `1 ${q.from} = ${q.rate} ${q.to} (${q.date})`).join(", ")}` : ""}.`;
  distributionChart(document.getElementById("distribution-chart"), result.offers, result.currency);
}

export function initOffers() {
  for (const s of slots) {
    document.getElementById(`offer-file-${s}`).addEventListener("change", (ev) => {
      const file = ev.target.files[0];
      if (!file) return;
      names[s] = file.name;
      file.text().then((text) => { document.getElementById(`offer-text-${s}`).value = text; });
    });
  }
  const form = document.getElementById("offer-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError(null);
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await compare(form);
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  });
}
