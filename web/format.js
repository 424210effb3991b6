// format.js — money and percentages as people read them: "€103K",
// "€103K–€154K", "88.6%". Figures from the API are major units.
const cache = new Map();

function formatter(currency, compact) {
  const key = `${currency}|${compact}`;
  if (!cache.has(key)) {
    let f;
    try {
      f = new Intl.NumberFormat("en", {
        style: currency ? "currency" : "decimal", currency: currency || undefined,
        notation: compact ? "compact" : "standard",
        maximumFractionDigits: compact ? 1 : 0,
      });
    } catch (_) {
      f = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
    }
    cache.set(key, f);
  }
  return cache.get(key);
}

export function money(value, currency, compact = true) {
  if (value == null || Number.isNaN(value)) return "—";
  return formatter(currency, compact).format(value);
}

export function range(low, high, currency) {
  if (low == null && high == null) return "—";
  if (low === high || high == null) return money(low, currency);
  return `${money(low, currency)}–${money(high, currency)}`;
}

export function pct(fraction, digits = 1) {
  if (fraction == null) return "—";
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function pctRange(low, high) {
  if (low == null) return "—";
  return low === high ? `${low}%` : `${low}–${high}%`;
}
