#!/usr/bin/env python3
"""Writes the fixtures of tests/report/plot_study_test.cpp: study output directories of an invented world.

- sobol/: a `hedgesim sweep` with a Sobol design (indices.csv with S1, ST and a few S2 rows, meta.json). The
  metric gap_mean orders its parameters differently by ST (gamma_pull, alpha_gain, delta_budget,
  beta_half_life_days) than by S1 or by the order of meta.json, so that a figure sorted by anything else fails
  the test; flat_metric did not vary (every index 0).
- morris/: a Morris design (mu, mu_star, sigma).
- grid/: a grid sweep (3 x 3 levels of alpha_gain in [0.5, 4.5] and beta_half_life_days in [30, 270]):
  meta.json, design.csv and summary.csv, no indices.csv (nor results.csv, which no figure reads). gap_mean
  rises with alpha_gain and falls a little with beta_half_life_days; signal_after_veto depends on alpha_gain
  alone.
- lhs/: a Latin hypercube of 12 points over three parameters whose ranges are far from [0, 1] (alpha_gain in
  [1, 8], normal; beta_half_life_days in [30, 270], log-uniform; gamma_pull in [0.3, 1.2]): meta.json,
  design.csv, summary.csv; flat_metric did not vary.
- compare/: a `hedgesim compare` of "fixture-veto" (A) with "fixture-no-veto" (B): difference-over-time.csv
  for two hedgers AAA and BBB over 10 weekly steps from 2020-01-01, differences.csv and meta.json with the one
  event only A has.
The numbers are made up and deterministic. Run: python3 make_fixtures.py
"""
import csv
import datetime as dt
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write_csv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


PARAMS = ["alpha_gain", "beta_half_life_days", "gamma_pull", "delta_budget"]


def sweep_meta(name, design, points, replicates, metrics, samples):
    return {"kind": "sweep", "version": "0.1.0", "experiment": f"experiments/{name}.toml",
            "experiment_name": name, "seed": 7, "design": design, "samples": samples,
            "levels": 4 if design == "morris" else 0, "second_order": design == "sobol", "bootstrap": 200,
            "confidence": 0.95, "replicates": replicates, "points": points, "runs": points * replicates,
            "parameters": [{"name": p, "min": 1.0, "max": 2.0, "distribution": "uniform"} for p in PARAMS],
            "metrics": metrics}


def sobol():
    # metric -> parameter -> (S1, ST)
    table = {
        "gap_mean": {"alpha_gain": (0.35, 0.30), "beta_half_life_days": (-0.01, 0.0),
                     "gamma_pull": (0.25, 0.62), "delta_budget": (0.05, 0.08)},
        "signal_after_veto": {"alpha_gain": (0.08, 0.10), "beta_half_life_days": (0.15, 0.20),
                              "gamma_pull": (0.0, 0.01), "delta_budget": (0.66, 0.70)},
        "flat_metric": {p: (0.0, 0.0) for p in PARAMS},
    }
    rows = []
    for metric, by_param in table.items():
        for p in PARAMS:
            s1, st = by_param[p]
            for index, v in (("S1", s1), ("ST", st)):
                half = 0.0 if metric == "flat_metric" else 0.04 + 0.1 * abs(v)
                rows.append([metric, index, p, "", v, round(v - half, 6), round(v + half, 6)])
        for i in range(len(PARAMS)):
            for j in range(i + 1, len(PARAMS)):
                rows.append([metric, "S2", PARAMS[i], PARAMS[j], 0.01, -0.02, 0.04])
    write_csv(os.path.join(HERE, "sobol", "indices.csv"),
              ["metric", "index", "parameter", "other", "value", "ci_low", "ci_high"], rows)
    write_json(os.path.join(HERE, "sobol", "meta.json"),
               sweep_meta("fixture-sobol", "sobol", 160, 4, list(table), 16))


def morris():
    # metric -> parameter -> (mu, mu_star, sigma)
    table = {
        "srb_courting_mean": {"alpha_gain": (0.12, 0.12, 0.03), "beta_half_life_days": (0.0, 0.001, 0.001),
                              "gamma_pull": (-0.05, 0.06, 0.08), "delta_budget": (0.2, 0.25, 0.1)},
        "mkd_signal_after_veto": {"alpha_gain": (-0.3, 0.3, 0.05), "beta_half_life_days": (0.02, 0.02, 0.01),
                                  "gamma_pull": (-0.1, 0.1, 0.2), "delta_budget": (0.0, 0.0, 0.0)},
    }
    rows = []
    for metric, by_param in table.items():
        for p in PARAMS:
            for index, v in zip(("mu", "mu_star", "sigma"), by_param[p]):
                rows.append([metric, index, p, "", v, round(v - 0.2 * abs(v), 6), round(v + 0.2 * abs(v), 6)])
    write_csv(os.path.join(HERE, "morris", "indices.csv"),
              ["metric", "index", "parameter", "other", "value", "ci_low", "ci_high"], rows)
    write_json(os.path.join(HERE, "morris", "meta.json"),
               sweep_meta("fixture-morris", "morris", 50, 10, list(table), 10))


def summary_rows(means):
    """summary.csv's rows from {(point, metric): mean}: made-up spreads around each mean."""
    rows = []
    for (point, metric), m in sorted(means.items()):
        sd = round(0.05 * abs(m) + 0.01, 6)
        rows.append([point, metric, m, sd, round(m - 1.6 * sd, 6), m, round(m + 1.6 * sd, 6)])
    return rows


SUMMARY = ["point", "metric", "mean", "sd", "q05", "q50", "q95"]


def grid():
    meta = sweep_meta("fixture-grid", "grid", 9, 2, ["gap_mean", "signal_after_veto"], 0)
    meta["levels"] = 3
    meta["parameters"] = [{"name": "alpha_gain", "min": 0.5, "max": 4.5, "distribution": "uniform"},
                          {"name": "beta_half_life_days", "min": 30.0, "max": 270.0, "distribution": "uniform"}]
    write_json(os.path.join(HERE, "grid", "meta.json"), meta)
    design, means = [], {}
    for a in range(3):
        for b in range(3):
            point, alpha, beta = 3 * a + b, 0.5 + 2.0 * a, 30.0 + 120.0 * b
            design.append([point, alpha, beta])
            means[(point, "gap_mean")] = round(0.1 * alpha - 0.0005 * beta, 6)
            means[(point, "signal_after_veto")] = round(-0.2 * alpha, 6)
    write_csv(os.path.join(HERE, "grid", "design.csv"), ["point", "alpha_gain", "beta_half_life_days"], design)
    write_csv(os.path.join(HERE, "grid", "summary.csv"), SUMMARY, summary_rows(means))


def lhs():
    n = 12
    params = [("alpha_gain", 1.0, 8.0, "normal"), ("beta_half_life_days", 30.0, 270.0, "loguniform"),
              ("gamma_pull", 0.3, 1.2, "uniform")]
    meta = sweep_meta("fixture-lhs", "lhs", n, 5, ["gap_mean", "signal_after_veto", "flat_metric"], n)
    meta["parameters"] = [{"name": p, "min": lo, "max": hi, "distribution": d} for p, lo, hi, d in params]
    write_json(os.path.join(HERE, "lhs", "meta.json"), meta)
    # One point in each of n strata per parameter, the strata shuffled by fixed permutations (k * i mod n).
    design, means = [], {}
    for i in range(n):
        row = [i]
        for k, (_, lo, hi, dist) in zip((5, 7, 1), params):
            u = ((k * i) % n + 0.5) / n
            if dist == "loguniform":
                v = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
            else:
                v = lo + u * (hi - lo)
            row.append(round(v, 6))
        design.append(row)
        alpha, beta, gamma = row[1:]
        means[(i, "gap_mean")] = round(0.05 * alpha + 0.3 * gamma, 6)
        means[(i, "signal_after_veto")] = round(-0.002 * beta, 6)
        means[(i, "flat_metric")] = 0.25
    write_csv(os.path.join(HERE, "lhs", "design.csv"), ["point"] + [p for p, *_ in params], design)
    write_csv(os.path.join(HERE, "lhs", "summary.csv"), SUMMARY, summary_rows(means))


def compare():
    start, steps, step_days = dt.date(2020, 1, 1), 10, 7
    veto_step = 2  # 2020-01-15
    rows = []
    for step in range(steps + 1):
        date = (start + dt.timedelta(days=step * step_days)).isoformat()
        after = max(0, step - veto_step)
        shock = 0.0 if after == 0 else math.exp(-(after - 1) / 4.0)
        for agent, scale in (("AAA", 1.0), ("BBB", 0.4)):
            values = {"signal": -0.3 * scale * shock, "substance": -0.02 * scale * (1 - math.exp(-after / 3.0)),
                      "courting": 0.25 * scale * shock, "grievance": 0.5 * scale * shock}
            for var in ("signal", "substance", "courting", "grievance"):
                m = round(values[var], 6) + 0.0  # no -0.0
                spread = round(0.4 * abs(m) + (0.005 if after else 0.0), 6)
                rows.append([step, date, agent, var, m, round(m - spread, 6) + 0.0, round(m + spread, 6) + 0.0])
    write_csv(os.path.join(HERE, "compare", "difference-over-time.csv"),
              ["step", "date", "agent", "variable", "mean", "q05", "q95"], rows)
    write_csv(os.path.join(HERE, "compare", "differences.csv"),
              ["metric", "mean_a", "mean_b", "difference", "ci_low", "ci_high", "replicates"],
              [["aaa_signal_mean", 0.45, 0.6, -0.15, -0.18, -0.12, 50],
               ["bbb_signal_mean", 0.05, 0.1, -0.05, -0.07, -0.03, 50]])
    agents = [("AAA", "Alphaland", "Aston", "hedger"), ("BBB", "Betaland", "Betham", "hedger"),
              ("WWW", "Westland", "Weston", "west"), ("RRR", "Rivalia", "Redburg", "rival")]
    write_json(os.path.join(HERE, "compare", "meta.json"), {
        "kind": "compare", "version": "0.1.0",
        "scenario_a": "scenarios/fixture-veto.toml", "scenario_a_name": "fixture-veto",
        "scenario_b": "scenarios/fixture-no-veto.toml", "scenario_b_name": "fixture-no-veto",
        "replicates": 50, "seed": 11, "start": "2020-01-01", "end": "2020-03-11", "step_days": step_days,
        "steps": steps,
        "agents": [{"id": i, "name": n, "seat": s, "kind": k} for i, n, s, k in agents],
        "events_a": [{"date": "2020-01-15", "label": "WWW blocks the opening of accession talks with AAA",
                      "type": "veto", "actor": "WWW"}],
    })


if __name__ == "__main__":
    sobol()
    morris()
    grid()
    lhs()
    compare()
