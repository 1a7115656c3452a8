#!/usr/bin/env python3
"""Writes the report-test fixtures run1/ (one run) and run_ens/ (two runs + bands.csv).

A tiny invented world: two hedgers AAA and BBB, a western patron WWW and a rival RRR, 10 weekly steps from
2020-01-01. Every change of every variable is the sum of named contributions (mechanisms, events, bounds), so
attribution.csv adds up to the changes in trajectory.csv, as the engine's files do. The formulas are made up
and only need to be plausible; the numbers are deterministic (fixed seeds). Run: python3 make_fixtures.py
"""
import csv
import datetime as dt
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
START = dt.date(2020, 1, 1)
STEP_DAYS = 7
STEPS = 10
AGENTS = [("AAA", "Alphaland", "hedger"), ("BBB", "Betaland", "hedger"), ("WWW", "Westland", "west"),
          ("RRR", "Rivalia", "rival")]
HEDGER_VARS = ["signal", "substance", "grievance", "accession", "belief", "courting", "conditionality",
               "engagement"]
VARS = {"hedger": HEDGER_VARS, "west": ["detente"], "rival": ["attention"]}
RANGE = {"signal": (-1, 1), "substance": (-1, 1), "attention": (0, 10)}
INITIAL = {
    "AAA": dict(signal=0.6, substance=0.55, grievance=0.1, accession=0.3, belief=0.4, courting=0.0,
                conditionality=0.5, engagement=0.05),
    "BBB": dict(signal=0.1, substance=0.4, grievance=0.05, accession=0.2, belief=0.1, courting=0.0,
                conditionality=0.5, engagement=0.2),
    "WWW": dict(detente=0.0),
    "RRR": dict(attention=0.0),
}
# (date, type, actor, targets, label); the step is the one whose interval [d(k-1), d(k)) holds the date.
EVENTS = [
    (dt.date(2020, 1, 10), "reset_with_rival", "WWW", ["RRR"], "WWW's leader hosts RRR's leader for talks"),
    (dt.date(2020, 1, 17), "accession_veto", "WWW", ["AAA", "BBB"],
     'WWW blocks the opening of talks, citing "unfinished reforms"'),
    (dt.date(2020, 1, 30), "rival_summit", "RRR", ["AAA"], "RRR's president visits AAA"),
    (dt.date(2020, 2, 14), "courting_gesture", "AAA", ["RRR"], "AAA's president attends RRR's parade"),
    (dt.date(2020, 2, 14), "security_cooperation", "WWW", ["BBB"], "BBB signs a defence cooperation plan"),
    (dt.date(2020, 2, 17), "state_visit", "WWW", ["AAA"], "WWW's foreign minister visits AAA"),
    (dt.date(2020, 2, 28), "accession_step", "WWW", ["AAA", "BBB"], "WWW agrees to open talks"),
]
SEATS = {"AAA": "Aston", "BBB": "Betham", "WWW": "Weston", "RRR": "Redburg"}


def date_of(step):
    return START + dt.timedelta(days=STEP_DAYS * step)


def step_of(day):
    return (day - START).days // STEP_DAYS + 1


def src(event_type, actor, day):
    return f"event:{event_type}:{actor}:{day.isoformat()}"


VETO = src("accession_veto", "WWW", dt.date(2020, 1, 17))
SUMMIT = src("rival_summit", "RRR", dt.date(2020, 1, 30))
GESTURE = src("courting_gesture", "AAA", dt.date(2020, 2, 14))
COOP = src("security_cooperation", "WWW", dt.date(2020, 2, 14))
VISIT = src("state_visit", "WWW", dt.date(2020, 2, 17))
OPENING = src("accession_step", "WWW", dt.date(2020, 2, 28))
RESET = src("reset_with_rival", "WWW", dt.date(2020, 1, 10))


def hedger_contributions(a, k, s, other, noise):
    """Contributions to each variable of hedger `a` in step k, from the state s (and the other hedger's)."""
    c = {v: {} for v in HEDGER_VARS}
    c["signal"]["mechanism:anchoring"] = 0.1 * (INITIAL[a]["signal"] - s["signal"])
    c["signal"]["mechanism:regional_diffusion"] = 0.05 * (other["signal"] - s["signal"])
    c["signal"]["mechanism:hedging"] = -0.15 * s["courting"]
    c["signal"]["mechanism:rival_pull"] = -0.1 * s["engagement"]
    c["signal"]["mechanism:signal_noise"] = noise
    c["substance"]["mechanism:substance_drift"] = 0.02 * (s["signal"] - s["substance"])
    c["grievance"]["mechanism:grievance_dynamics"] = -0.05 * s["grievance"]
    c["courting"]["mechanism:hedging_decision"] = 0.6 * s["grievance"] * s["belief"] - 0.1 * s["courting"] - 0.02
    c["belief"]["mechanism:belief_learning"] = 0.05 * s["engagement"] * (1 - s["belief"])
    c["conditionality"]["mechanism:western_response"] = -0.05 * s["courting"]
    c["engagement"]["mechanism:rival_engagement"] = 0.1 * s["courting"]
    if k == 3:  # the veto: a transient blow to the signal that fades over three steps
        c["signal"][VETO] = -0.06
        c["grievance"][VETO] = 0.3
        c["accession"][VETO] = -0.1
    if k in (4, 5, 6):
        c["signal"][VETO] = {4: 0.02, 5: 0.01, 6: 0.01}[k]
    if a == "AAA":
        if k == 5:
            c["engagement"][SUMMIT] = 0.2
        if k in (6, 7, 8, 9):
            c["engagement"][SUMMIT] = -0.05
        if k == 7:
            c["signal"][GESTURE] = -0.08
            c["courting"][GESTURE] = 0.15
            c["signal"][VISIT] = 0.03
    if a == "BBB" and k == 7:
        c["signal"][COOP] = 0.05
        c["substance"][COOP] = 0.03
    if k == 9:
        c["signal"][OPENING] = 0.05
        c["substance"][OPENING] = 0.01
        c["grievance"][OPENING] = -0.1
        c["accession"][OPENING] = 0.1
    return c


def clip(var, contributions, old):
    lo, hi = RANGE.get(var, (0, 1))
    new = old + sum(contributions.values())
    if new < lo or new > hi:
        contributions["bounds"] = min(max(new, lo), hi) - new
    return old + sum(contributions.values())


def simulate(run, noise_sd):
    rng = random.Random(1000 + run)
    state = {a: dict(INITIAL[a]) for a, _, _ in AGENTS}
    traj = [(0, a, dict(state[a])) for a, _, _ in AGENTS]
    attrib = []
    for k in range(1, STEPS + 1):
        prev = {a: dict(state[a]) for a in state}
        contribs = {}
        contribs["AAA"] = hedger_contributions("AAA", k, prev["AAA"], prev["BBB"], rng.gauss(0, noise_sd))
        contribs["BBB"] = hedger_contributions("BBB", k, prev["BBB"], prev["AAA"], rng.gauss(0, noise_sd))
        contribs["WWW"] = {"detente": {"mechanism:detente_decay": -0.1 * prev["WWW"]["detente"]}}
        if k == 2:
            contribs["WWW"]["detente"][RESET] = 0.4
        contribs["RRR"] = {"attention": {
            "mechanism:rival_engagement": 0.5 * (prev["AAA"]["courting"] + prev["BBB"]["courting"])
                                          - 0.05 * prev["RRR"]["attention"]}}
        for a, _, kind in AGENTS:
            for v in VARS[kind]:
                state[a][v] = clip(v, contribs[a][v], prev[a][v])
                for source, delta in contribs[a][v].items():
                    if delta != 0:
                        attrib.append((run, k, a, v, source, delta))
            traj.append((k, a, dict(state[a])))
    return traj, attrib


def num(x):
    """Shortest round-trip text, as C++ std::to_chars writes it (0 rather than 0.0)."""
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def quantile7(xs, q):
    xs = sorted(xs)
    h = (len(xs) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def write_run(name, runs, noise_sd):
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    traj_rows, attrib_rows, values = [], [], {}
    for run in range(runs):
        traj, attrib = simulate(run, noise_sd)
        for k, a, s in traj:
            kind = next(kd for i, _, kd in AGENTS if i == a)
            for v in VARS[kind]:
                traj_rows.append((run, k, date_of(k).isoformat(), a, v, num(s[v])))
                values.setdefault((k, a, v), []).append(s[v])
        attrib_rows += [(r, k, a, v, source, num(d)) for r, k, a, v, source, d in attrib]
    write_csv(os.path.join(out, "trajectory.csv"), ["run", "step", "date", "agent", "variable", "value"],
              traj_rows)
    write_csv(os.path.join(out, "attribution.csv"), ["run", "step", "agent", "variable", "source", "delta"],
              attrib_rows)
    events = [(step_of(d), d.isoformat(), t, actor, target, 1, label)
              for d, t, actor, targets, label in EVENTS for target in targets]
    write_csv(os.path.join(out, "events.csv"), ["step", "date", "type", "actor", "target", "magnitude", "label"],
              events)
    if runs > 1:
        bands = [(k, date_of(k).isoformat(), a, v, num(sum(xs) / len(xs)), num(quantile7(xs, 0.05)),
                  num(quantile7(xs, 0.95))) for (k, a, v), xs in values.items()]
        write_csv(os.path.join(out, "bands.csv"), ["step", "date", "agent", "variable", "mean", "q05", "q95"],
                  bands)
    # The fields and their order are those of results/run_meta.cpp (render_run_meta).
    meta = {
        "version": "0.1.0", "scenario": f"scenarios/fixture-{name}.toml", "scenario_name": f"fixture-{name}",
        "scenario_title": "An invented veto and what came after it, for the report tests",
        "scenario_sha256": "1" * 64, "model_dir": "model", "model_name": "fixture", "model_sha256": "0" * 64,
        "seed": 7, "replicates": runs, "start": START.isoformat(), "end": date_of(STEPS).isoformat(),
        "step_days": STEP_DAYS, "steps": STEPS,
        "agents": [{"id": i, "name": n, "seat": SEATS[i], "kind": kd} for i, n, kd in AGENTS],
        "parameters": {"step_days": STEP_DAYS},
        "command_line": f"hedgesim run scenarios/fixture-{name}.toml --out {name}"
                        + (f" --replicates {runs}" if runs > 1 else ""),
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


write_run("run1", 1, 0.005)
write_run("run_ens", 2, 0.06)
