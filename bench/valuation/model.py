#!/usr/bin/python3
"""model.py — payband's offer valuation model written as vectorised numpy,
the way an analyst would write it, for the benchmark in bench/valuation/run.

usage: model.py [--paths N] [--years Y] [--repeat R] [--seed K] OFFER.yaml...

Reads the same offer files as payband (with Debian's python3-yaml) and
implements the same model (docs/offers.md, "the model") for what the
benchmark offers use: base with raises, target bonus, sign-on; public RSUs
priced by a geometric Brownian motion with yearly steps; options and private
RSUs of a private company with yearly failure / liquidity chances, a
lognormal exit multiple and dilution, worth nothing without an exit within
the horizon. Every assumption must be written in the offer file (no
stage defaults here). Prints one JSON object like bench_valuation.
"""
import json
import sys
import time

import numpy as np
import yaml


def vest_fraction_by(v, month):
    """Cumulative fraction vested `month` months after the grant."""
    years = v.get("years", 4)
    cliff = v.get("cliff_months", 0)
    period = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}[v.get("period", "monthly")]
    total = years * 12
    month = min(month, total)
    event = month // period * period
    if event <= 0 or event < cliff:
        return 0.0
    if event >= total:
        return 1.0
    shape = v.get("shape", "even")
    if shape == "even":
        return event / total
    k = (event - 1) // 12
    per_year = 12 // period
    e = (event - 12 * k) // period
    return (sum(shape[:k]) * per_year + shape[k] * e) / (100.0 * per_year)


def vest_in_year(v, year):
    return vest_fraction_by(v, 12 * year) - vest_fraction_by(v, 12 * (year - 1))


class Offer:
    def __init__(self, path, years):
        with open(path, encoding="utf-8") as f:
            d = yaml.safe_load(f)
        self.name = d.get("name", path)
        val = d["valuation"]
        r = d.get("raise_pct", 0) / 100.0
        bonus = d.get("bonus_target_pct", 0) / 100.0
        base = float(d["base"])
        sign_on = d.get("sign_on", 0)
        self.cash = sum(round(base * (1 + r) ** (y - 1), 2) * (1 + bonus) for y in range(1, years + 1))
        self.cash += float(sign_on)
        self.pub = np.zeros(years)          # public RSU value vesting per year
        self.priv_rsu = 0.0                 # private RSU value vested by the horizon
        self.options = []                   # (shares vested by the horizon, strike, price)
        for g in d.get("equity", []):
            fr = np.array([vest_in_year(g.get("vesting", {}), y) for y in range(1, years + 1)])
            if g["kind"] == "public_rsu":
                self.pub += g["value"] * fr
            elif g["kind"] == "private_rsu":
                self.priv_rsu += g["value"] * fr.sum()
            else:
                self.options.append((g["shares"] * fr.sum(), g["strike"], g["price"]))
        self.sigma = val.get("volatility_pct", 0) / 100.0
        self.drift = val.get("drift_pct", 0) / 100.0
        self.fail = val.get("failure_pct", 0) / 100.0
        self.liq = val.get("liquidity_pct", 0) / 100.0
        self.keep = 1 - val.get("dilution_pct", 0) / 100.0
        self.mu = np.log(val.get("exit_multiple_median", 1.0))
        self.msig = val.get("exit_multiple_sigma", 0.0)
        self.years = years

    def simulate(self, rng, n):
        eq = np.zeros(n)
        if self.pub.any():
            z = rng.standard_normal((self.years, n))
            lr = np.cumsum((self.drift - 0.5 * self.sigma ** 2) + self.sigma * z, axis=0)
            eq += self.pub @ np.exp(lr)
        if self.priv_rsu or self.options:
            u = rng.random((self.years, n))
            z = rng.standard_normal(n)
            exit_p = self.fail + (1 - self.fail) * self.liq
            failed = u < self.fail
            exited = ~failed & (u < exit_p)
            event = failed | exited
            first = np.argmax(event, axis=0)
            cols = np.arange(n)
            is_exit = event[first, cols] & exited[first, cols]
            factor = np.exp(self.mu + self.msig * z) * self.keep ** (first + 1)
            pay = self.priv_rsu * factor
            for shares, strike, price in self.options:
                pay += shares * np.maximum(price * factor - strike, 0.0)
            eq += np.where(is_exit, pay, 0.0)
        return self.cash + eq


def main(argv):
    paths, years, repeat, seed, files = 1000000, 4, 3, 1, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--paths", "--years", "--repeat", "--seed") and i + 1 < len(argv):
            v = int(argv[i + 1])
            if a == "--paths":
                paths = v
            elif a == "--years":
                years = v
            elif a == "--repeat":
                repeat = v
            else:
                seed = v
            i += 2
            continue
        files.append(a)
        i += 1
    offers = [Offer(f, years) for f in files]
    best, results = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        rng = np.random.default_rng(seed)
        results = []
        for o in offers:
            x = o.simulate(rng, paths)
            q = np.percentile(x, [5, 25, 50, 75, 95])
            results.append({"name": o.name, "mean": float(x.mean()), "p5": q[0], "p25": q[1],
                            "p50": q[2], "p75": q[3], "p95": q[4]})
        best = min(best, time.perf_counter() - t0)
    out = {"seconds": best, "paths": paths, "years": years,
           "offers": [{k: (float(v) if k != "name" else v) for k, v in r.items()} for r in results]}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
