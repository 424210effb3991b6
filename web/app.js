// app.js — starts the page: the three views behind #market, #offers and
// #plan, and the token a private server asks for.
import { useToken } from "./api.js";
import { initMarket } from "./market.js";
import { initOffers } from "./offers.js";
import { initPlan } from "./plan.js";

const VIEWS = ["market", "offers", "plan"];

function show() {
  const name = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "market";
  for (const v of VIEWS) {
    document.getElementById(`view-${v}`).hidden = v !== name;
    const tab = document.getElementById(`tab-${v}`);
    if (v === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
}

document.getElementById("token-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  useToken(document.getElementById("token").value.trim());
  document.getElementById("token-form").hidden = true;
  location.reload();
});

window.addEventListener("hashchange", show);
show();
initMarket();
initOffers();
initPlan();
document.body.dataset.ready = "true";
