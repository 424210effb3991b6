// charts.js — the page's charts on Chart.js (Debian's libjs-chart.js,
// served from the binary): band ranges as floating bars, schedules as
// stacked bars, simulated values as step histograms with p5/p95 marked,
// and report percentiles as box plots drawn from floating bars.
/* global Chart */
import { money } from "./format.js";

const COLORS = {
  base: "#2e86ab", computed: "#1f4e79", stated: "#f0a202", equity: "#6a994e",
  bonus: "#bc4749", sign_on: "#8d6a9f", grey: "#9aa5b1",
};
const OFFER_COLORS = ["#1f4e79", "#d1495b", "#2a9d8f", "#e9c46a"];

Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;

// Vertical dashed lines at given x values (p5, p95), with a small label.
const markers = {
  id: "markers",
  afterDatasetsDraw(chart, _args, opts) {
    const lines = (opts && opts.lines) || [];
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    for (const l of lines) {
      const x = scales.x.getPixelForValue(l.x);
      if (x < chartArea.left || x > chartArea.right) continue;
      ctx.strokeStyle = l.color;
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = l.color;
      ctx.font = "11px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText(l.label, x, chartArea.top + 10 + (l.row || 0) * 12);
    }
    // Bins cut at the top of the axis, with their share written above.
    for (const p of (opts && opts.peaks) || []) {
      const x = scales.x.getPixelForValue(p.x);
      ctx.fillStyle = p.color;
      ctx.font = "bold 11px sans-serif";
      ctx.textAlign = "left";
      ctx.fillText(`▲ ${p.text}`, x + 4, chartArea.top + 34);
    }
    ctx.restore();
  },
};
Chart.register(markers);

// A hatched fill for stale bands.
function hatch(color) {
  const c = document.createElement("canvas");
  c.width = c.height = 8;
  const g = c.getContext("2d");
  g.fillStyle = color + "55";
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, 8);
  g.lineTo(8, 0);
  g.stroke();
  return g.createPattern(c, "repeat");
}

function replace(canvas, config) {
  const old = Chart.getChart(canvas);
  if (old) old.destroy();
  return new Chart(canvas, config);
}

function narrow() {
  return window.matchMedia("(max-width: 40rem)").matches;
}

// Bands: one row per band, bars for base, computed and stated total comp.
export function bandChart(canvas, bands, currency) {
  // Name what differs between the bands: the region alone when they share
  // a company and a role.
  const one = (key) => new Set(bands.map((b) => b[key])).size === 1;
  const labels = bands.map((b) => {
    const from = b.kind === "reports" ? ` (${b.n} reports)` : "";
    const where = `${b.region || "all regions"}${b.level ? ` · ${b.level}` : ""}${from}`;
    if (one("company") && one("role")) return where;
    const head = `${b.company_name || b.company} · ${where}`;
    const role = b.role_name || b.role || "all roles";
    return narrow() ? [head, role] : `${head} · ${role}`;
  });
  const series = (key, color, name) => ({
    label: name,
    data: bands.map((b) => (b[`${key}_low`] == null ? null : [b[`${key}_low`], b[`${key}_high`]])),
    backgroundColor: bands.map((b) => (b.stale ? hatch(color) : color)),
    borderColor: color,
    borderWidth: 1,
    borderSkipped: false,
  });
  return replace(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [series("base", COLORS.base, "Base"),
        series("tc", COLORS.computed, "Total comp (computed)"),
        series("stated_tc", COLORS.stated, "Total comp (stated)")],
    },
    options: {
      indexAxis: "y",
      scales: {
        x: { ticks: { callback: (v) => money(v, currency) }, title: { display: true, text: `per year, ${currency}` } },
        y: { ticks: { autoSkip: false } },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: (item) => {
              const v = item.raw;
              return v ? `${item.dataset.label}: ${money(v[0], currency)}–${money(v[1], currency)}` : "";
            },
            afterBody: (items) => (bands[items[0].dataIndex].stale
              ? `past its review date (${bands[items[0].dataIndex].review_due})` : ""),
          },
        },
      },
    },
  });
}

// Year-by-year schedules, stacked by component, one stack per offer.
export function scheduleChart(canvas, schedules, currency) {
  const years = Math.max(...schedules.map((s) => s.schedule.length));
  const labels = Array.from({ length: years }, (_, i) => `Year ${i + 1}`);
  const parts = [["base", "Base"], ["bonus", "Bonus"], ["sign_on", "Sign-on"], ["equity_total", "Equity"]];
  const colorOf = { base: COLORS.base, bonus: COLORS.bonus, sign_on: COLORS.sign_on, equity_total: COLORS.equity };
  const datasets = [];
  schedules.forEach((s, i) => {
    for (const [key, name] of parts) {
      datasets.push({
        label: `${s.name}: ${name}`,
        stack: s.name,
        data: labels.map((_, y) => (s.schedule[y] ? s.schedule[y][key] : 0)),
        backgroundColor: i === 0 ? colorOf[key] : colorOf[key] + "99",
        borderColor: i === 0 ? "#ffffff" : "#1b2330",
        borderWidth: 1,
      });
    }
  });
  return replace(canvas, {
    type: "bar",
    data: { labels, datasets },
    options: {
      scales: {
        x: { stacked: true },
        y: { stacked: true, ticks: { callback: (v) => money(v, currency) } },
      },
      plugins: {
        // One legend entry per component: the offers are told apart by
        // their bar (first offer on the left, in full colour).
        legend: {
          position: "bottom",
          labels: {
            filter: (item) => item.datasetIndex < parts.length,
            generateLabels: (chart) => Chart.defaults.plugins.legend.labels.generateLabels(chart)
              .map((l) => ({ ...l, text: l.text.replace(/^.*: /, "") })),
          },
        },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${money(item.raw, currency, false)}` } },
      },
    },
  });
}

// Simulated N-year values: a step histogram per offer (share of paths in
// each bin; the server gives every offer the same bins), p5 and p95 marked.
// A bin far above the rest (equity worth nothing in most paths puts them all
// at the cash total) is cut at a readable height and labelled with its share.
export function distributionChart(canvas, offers, currency) {
  const h0 = offers[0].histogram;
  const width = (h0.high - h0.low) / h0.bins.length;
  const shares = offers.map((o) => {
    const h = o.histogram;
    const total = h.bins.reduce((a, b) => a + b, 0) + h.below + h.above;
    return h.bins.map((n) => (100 * n) / total);
  });
  const all = shares.flat().filter((x) => x > 0).sort((a, b) => a - b);
  const typical = all[Math.floor(all.length * 0.9)] || 1;
  const top = Math.max(...all);
  const cut = top > 4 * typical ? Math.ceil(3 * typical) : undefined;
  const datasets = offers.map((o, i) => ({
    label: o.name,
    data: shares[i].map((y, k) => ({ x: h0.low + (k + 0.5) * width, y })),
    borderColor: OFFER_COLORS[i % OFFER_COLORS.length],
    backgroundColor: OFFER_COLORS[i % OFFER_COLORS.length] + "33",
    fill: true,
    stepped: "middle",
    pointRadius: 0,
    borderWidth: 2,
  }));
  const lines = [];
  offers.forEach((o, i) => {
    const color = OFFER_COLORS[i % OFFER_COLORS.length];
    lines.push({ x: o.simulated.p5, color, label: "p5", row: i });
    lines.push({ x: o.simulated.p95, color, label: "p95", row: i });
  });
  const peaks = [];
  if (cut) {
    shares.forEach((s, i) => s.forEach((y, k) => {
      if (y > cut) peaks.push({ x: h0.low + (k + 0.5) * width, text: `${y.toFixed(0)}%`, color: OFFER_COLORS[i % OFFER_COLORS.length] });
    }));
  }
  return replace(canvas, {
    type: "line",
    data: { datasets },
    options: {
      parsing: false,
      scales: {
        x: { type: "linear", min: h0.low, max: h0.high, ticks: { callback: (v) => money(v, currency) }, title: { display: true, text: `value over the horizon, ${currency}` } },
        y: { beginAtZero: true, max: cut, title: { display: true, text: "share of paths in each bin (%)" } },
      },
      plugins: {
        legend: { position: "bottom" },
        markers: { lines, peaks },
        tooltip: { callbacks: { title: (items) => `around ${money(items[0].raw.x, currency)}`, label: (item) => `${item.dataset.label}: ${item.raw.y.toFixed(1)}% of paths` } },
      },
    },
  });
}

// Report percentiles as box plots: whiskers p10–p90, box p25–p75, p50 line.
export function percentileChart(canvas, groups, currency) {
  const labels = groups.map((g) => g.label);
  return replace(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: [
        { label: "p10–p90", data: groups.map((g) => [g.p10, g.p90]), backgroundColor: COLORS.grey, barPercentage: 0.08, grouped: false },
        { label: "p25–p75", data: groups.map((g) => [g.p25, g.p75]), backgroundColor: COLORS.base, barPercentage: 0.5, grouped: false },
        { label: "p50", data: groups.map((g) => [g.p50 - 0.002 * g.p50, g.p50 + 0.002 * g.p50]), backgroundColor: "#1b2330", barPercentage: 0.6, grouped: false },
      ],
    },
    options: {
      indexAxis: "y",
      scales: { x: { ticks: { callback: (v) => money(v, currency) } } },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: (item) => (item.dataset.label === "p50"
              ? `p50: ${money(groups[item.dataIndex].p50, currency)}`
              : `${item.dataset.label}: ${money(item.raw[0], currency)}–${money(item.raw[1], currency)}`),
          },
        },
      },
    },
  });
}
