// plan.js — the plan view: a negotiation plan for a company, role and
// region (with a profile and the offer in hand when given): the ask, the
// accept-at floor, the levers, and the whole plan as Markdown to download.
import { post, showError } from "./api.js";
import { money } from "./format.js";

function request(form) {
  const f = new FormData(form);
  const body = { company: f.get("company").trim(), role: f.get("role").trim(), region: f.get("region").trim() };
  if (f.get("currency")) body.currency = f.get("currency");
  const profile = document.getElementById("plan-profile").value;
  const offer = document.getElementById("plan-offer").value;
  if (profile.trim()) body.profile = profile;
  if (offer.trim()) body.offer = offer;
  return body;
}

function pack(p, currency, years) {
  const parts = [`${money(p.base.amount, currency)} base`];
  if (p.equity && p.equity.amount) parts.push(`${money(p.equity.amount, currency)} equity over ${p.vest_years || years} years`);
  if (p.sign_on && p.sign_on.amount) parts.push(`${money(p.sign_on.amount, currency)} sign-on`);
  return parts.join(" + ");
}

function render(plan) {
  document.getElementById("plan-ask").textContent = pack(plan.ask, plan.currency, plan.years);
  document.getElementById("plan-ask-rule").textContent = plan.ask.base.rule;
  document.getElementById("plan-floor").textContent = pack(plan.floor, plan.currency, plan.years);
  document.getElementById("plan-floor-rule").textContent = plan.floor.base.rule;
  const list = document.getElementById("plan-levers");
  list.replaceChildren(...plan.levers.map((l) => {
    const li = document.createElement("li");
    const title = document.createElement("strong");
    title.textContent = l.title;
    const evidence = document.createElement("div");
    evidence.className = "evidence";
    evidence.textContent = `${l.evidence}${l.source ? ` (${l.source})` : ""}`;
    const script = document.createElement("blockquote");
    script.textContent = l.script || "";
    li.append(title, evidence, script);
    return li;
  }));
  document.getElementById("plan-results").hidden = false;
}

async function download(form) {
  const md = await post("/api/v1/plan", { format: "md" }, request(form), "application/json", "text");
  const url = URL.createObjectURL(new Blob([md], { type: "text/markdown" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = "payband-plan.md";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function initPlan() {
  const form = document.getElementById("plan-form");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError(null);
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      render(await post("/api/v1/plan", {}, request(form)));
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  });
  document.getElementById("plan-download").addEventListener("click", async () => {
    showError(null);
    try {
      await download(form);
    } catch (e) {
      showError(e);
    }
  });
}
