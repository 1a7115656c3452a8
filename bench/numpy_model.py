#!/usr/bin/env python3
"""The hedging model of hedgesim re-implemented in NumPy, batched over replicates, for a speed comparison.

This is the "NumPy batched" variant of the shared reference kernel's README, applied to hedgesim's own model:
the same agents, parameters, events and equations as the C++ engine (src/model/compile.cpp,
src/engine/engine.cpp, src/engine/mechanisms.cpp; docs/ODD.md), with every array carrying the replicates on
its last axis, so that one NumPy operation advances all replicates at once. It reads the same files:
model/*.toml (agents, parameters, events, influence) and a scenario (default scenarios/veto-2019.toml), which
names its model directory.

What is the same as the C++ engine: agent order (hedgers, western patrons, the rival, file order within a
kind); per-step rates 1 - 2^(-step_days/T); signal noise scaled by sqrt(step_days/7) and the reward gain by
7/step_days; the event step (date - start) // step_days + 1 and the number of steps (end - start) //
step_days + 1; events sorted stably by step; effects in type order, each on the actor, the targets as listed,
or the bystanders in model order, for parties whose kind carries the variable, scaled by magnitude and by the
scale_by variable read as applied, clamped to the variable's range as applied, transient ones kept as pulses
with retention 2^(-step_days/half_life) that fade at the start of later steps; the step order (2n normal
draws: eps for the n hedgers, then eta; fade pulses E0b; apply events E0a; all mechanisms E1a..E8 from one
snapshot; store the snapshot's conditionality for E6; add; set the rival's attention; clip to bounds);
scenario parameter overrides. Without noise (signal_noise = courting_noise = 0) the two agree to rounding
(tests/bench/numpy_model_test.py).

What differs: the random numbers (numpy.random.Generator(PCG64) instead of Boost's mt19937_64 and normal
distribution, one generator for a block of replicates instead of one stream per replicate), so the two agree
statistically, not draw for draw; and the order of floating-point additions inside a step (last bits only).
Input validation is minimal: run `hedgesim validate` for file errors.

Usage:
  python3 bench/numpy_model.py [--scenario PATH] [--replicates R] [--seconds S] [--no-trajectory] [--json]
  python3 bench/numpy_model.py [--scenario PATH] [--replicates R] --dump-mean FILE

prints the throughput in agent-steps per second (one agent-step = one agent's update in one time step,
counting all agents: veto-2019 has 48 steps x 9 agents per run), by default with every batch filling its
whole trajectory as hedgesim's run() does (--no-trajectory: stepping only); --dump-mean FILE writes the
ensemble mean of each hedger's signal and substance at every step as CSV (step,agent,variable,mean).
Single-threaded: BLAS threads are set to 1 before NumPy is imported.
"""

import os

# One core: the per-core figure must not come from a multi-threaded BLAS (W @ z is a 6x6 by 6xR product).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

# The state variables, in the order of Var in src/model/spec.hpp: (name, kind that carries it, lo, hi).
VARS = [
    ("signal", "hedger", -1.0, 1.0),
    ("substance", "hedger", -1.0, 1.0),
    ("grievance", "hedger", 0.0, 1.0),
    ("accession", "hedger", 0.0, 1.0),
    ("belief", "hedger", 0.0, 1.0),
    ("courting", "hedger", 0.0, 1.0),
    ("conditionality", "hedger", 0.0, 1.0),
    ("engagement", "hedger", 0.0, 1.0),
    ("detente", "west", 0.0, 1.0),
    ("attention", "rival", 0.0, 10.0),
]
VAR = {name: i for i, (name, _, _, _) in enumerate(VARS)}
N_VARS = len(VARS)
N_HEDGER_VARS = 8  # signal .. engagement
SIG, SUB, GRI, ACC, BEL, COU, CON, ENG, DET, ATT = range(N_VARS)
HEDGER_LO = np.array([v[2] for v in VARS[:N_HEDGER_VARS]])
HEDGER_HI = np.array([v[3] for v in VARS[:N_HEDGER_VARS]])
PULSE_DROP = 1e-12  # a pulse is dropped once |remaining| < this (fade_pulses)


@dataclasses.dataclass
class Effect:
    var: int
    agent: int
    delta: float  # type's delta times the event's magnitude
    scale_var: int  # -1: none
    retention: float  # < 1: a transient pulse


@dataclasses.dataclass
class Model:
    scenario_name: str
    agent_ids: list
    kinds: list
    n_hedgers: int
    n_west: int
    steps: int
    step_days: int
    p: dict  # per-step quantities, named as Params in src/model/compiled_model.hpp
    W: np.ndarray  # n x n, row i = whom hedger i listens to
    lam: np.ndarray  # susceptibility per hedger
    tau: np.ndarray  # rival_trust per hedger
    x0: np.ndarray  # N_VARS x n_agents: initial state = baselines
    events_by_step: dict  # step -> list of Effect, in application order
    seed: int

    @property
    def n_agents(self):
        return len(self.agent_ids)

    @property
    def rival(self):
        return self.n_agents - 1


def _read_toml(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def load(scenario_path, overrides=None):
    """Reads a scenario and the model directory it names; returns the compiled Model (compile.cpp).
    `overrides` ({name: value}) act after the scenario's own [parameters], as a second override table."""
    scenario_path = Path(scenario_path)
    sc_doc = _read_toml(scenario_path)
    sc = sc_doc["scenario"]
    model_dir = Path(sc["model"])
    if not model_dir.is_absolute():
        model_dir = scenario_path.parent / model_dir
    agents_doc = _read_toml(model_dir / "agents.toml")
    params_doc = _read_toml(model_dir / "parameters.toml")
    events_doc = _read_toml(model_dir / "events.toml")
    influence_doc = _read_toml(model_dir / "influence.toml")

    # Parameters, with the scenario's overrides (apply_overrides).
    values = {name: float(t["value"]) for name, t in params_doc["parameters"].items()}
    for name, v in list(sc_doc.get("parameters", {}).items()) + list((overrides or {}).items()):
        if name not in values:
            raise ValueError(f"{scenario_path}: unknown parameter '{name}'")
        lo, hi = params_doc["parameters"][name]["min"], params_doc["parameters"][name]["max"]
        if not lo <= v <= hi:
            raise ValueError(f"{scenario_path}: parameter '{name}' = {v} is out of range [{lo}, {hi}]")
        values[name] = float(v)
    step = values["step_days"]
    if step != int(step) or step < 1:
        raise ValueError(f"step_days = {step} must be a whole number of days, at least 1")

    def rate(name):
        return 1.0 - 2.0 ** (-step / values[name])

    p = {
        "r_signal": rate("signal_half_life_days"),
        "r_substance": rate("substance_half_life_days"),
        "r_grievance": rate("grievance_half_life_days"),
        "r_courting": rate("courting_half_life_days"),
        "r_conditionality": rate("conditionality_half_life_days"),
        "r_softening": rate("softening_half_life_days"),
        "r_learning": rate("learning_half_life_days"),
        "r_engagement": rate("engagement_half_life_days"),
        "r_detente": rate("detente_half_life_days"),
        "signal_noise_step": values["signal_noise"] * (step / 7.0) ** 0.5,
        "reward_gain_step": values["reward_gain"] * 7.0 / step,
    }
    for name in ("courting_gain", "courting_noise", "courting_signal_pull", "engagement_signal_pull",
                 "substance_signal_coupling", "substance_accession_coupling", "grievance_conditionality_gain",
                 "hardening_gain", "backsliding_tolerance", "conditionality_floor", "rival_budget",
                 "rival_saturation", "detente_damping"):
        p[name] = values[name]
    step = int(step)

    # Agents: hedgers, then western patrons, then the rival, file order within a kind (order_agents).
    agents = [a for k in ("hedger", "west", "rival") for a in agents_doc["agent"] if a["kind"] == k]
    ids = [a["id"] for a in agents]
    index = {a: i for i, a in enumerate(ids)}
    kinds = [a["kind"] for a in agents]
    n = kinds.count("hedger")
    n_west = kinds.count("west")
    if kinds.count("rival") != 1 or n < 1 or n_west < 1:
        raise ValueError("the model needs at least one hedger, at least one west and exactly one rival agent")
    x0 = np.zeros((N_VARS, len(ids)))
    for i, a in enumerate(agents):
        for name, v in a.get("initial", {}).items():
            x0[VAR[name], i] = float(v)
    lam = np.array([float(a.get("susceptibility", 0.0)) for a in agents[:n]])
    tau = np.array([float(a.get("rival_trust", 0.0)) for a in agents[:n]])
    W = np.zeros((n, n))
    for to, row in influence_doc.get("influence", {}).items():
        for frm, w in row.items():
            W[index[to], index[frm]] = float(w)

    # Events: step = (date - start) // step_days + 1, stable sort by step (compile_events); effects per party
    # whose kind carries the variable (add_effects).
    types = {t["id"]: t for t in events_doc.get("event_type", [])}
    start, end = sc["start"], sc["end"]
    steps = (end - start).days // step + 1
    scheduled = []
    for e in sc_doc.get("event", []):
        scheduled.append(((e["date"] - start).days // step + 1, e))
    scheduled.sort(key=lambda se: se[0])  # Python's sort is stable
    events_by_step = {}
    for k, e in scheduled:
        t = types[e["type"]]
        actor = index[e["actor"]]
        targets = [index[x] for x in e["targets"]]
        magnitude = float(e.get("magnitude", 1.0))
        effects = events_by_step.setdefault(k, [])
        for f in t["effect"]:
            if f["party"] == "actor":
                parties = [actor]
            elif f["party"] == "target":
                parties = targets
            else:  # bystanders: every hedger that is neither the actor nor a target, in model order
                parties = [i for i in range(n) if i != actor and i not in targets]
            var = VAR[f["variable"]]
            hl = float(f.get("half_life_days", 0.0))
            for agent in parties:
                if VARS[var][1] != kinds[agent]:
                    continue
                effects.append(Effect(var=var, agent=agent, delta=float(f["delta"]) * magnitude,
                                      scale_var=VAR[f["scale_by"]] if "scale_by" in f else -1,
                                      retention=2.0 ** (-step / hl) if hl > 0 else 1.0))
    return Model(scenario_name=sc["name"], agent_ids=ids, kinds=kinds, n_hedgers=n, n_west=n_west,
                 steps=steps, step_days=step, p=p, W=W, lam=lam, tau=tau, x0=x0,
                 events_by_step=events_by_step, seed=int(sc["seed"]))


def _pulse_schedule(m):
    """The transient effects of the schedule, in the order they are created: a list of (step, index in that
    step's effects). Each becomes one row of the pulses' `remaining` array (0 until created)."""
    return [(k, j) for k in sorted(m.events_by_step) for j, f in enumerate(m.events_by_step[k])
            if f.retention < 1.0]


def simulate_block(m, R, rng, traj=None):
    """Runs R replicates at once and returns the final state as an array (N_VARS, n_agents, R).

    If `traj` is given it must be an array of zeros of shape (steps + 1, N_VARS, n_agents, R); it receives the
    state after every step (row 0: the initial state), the variables an agent does not carry staying 0.

    Layout: the hedgers' eight variables are one contiguous array H (8, n, R), so that one NumPy operation
    covers a variable of every hedger in every replicate; the patrons' detente is D (n_west, R), the rival's
    attention att (R,)."""
    p = m.p
    n, nw = m.n_hedgers, m.n_west
    w0, w1 = n, n + nw
    H = np.repeat(m.x0[:N_HEDGER_VARS, :n, None], R, axis=2)
    D = np.repeat(m.x0[DET, w0:w1, None], R, axis=1)
    att = np.full(R, m.x0[ATT, m.rival])
    Hf = H.reshape(N_HEDGER_VARS * n, R)  # a view: row var * n + i

    def slot(var, agent):  # the R values of one variable of one agent, as a view
        if var < N_HEDGER_VARS:
            return H[var, agent]
        return D[agent - w0] if var == DET else att

    if traj is not None:
        traj[0, :N_HEDGER_VARS, :n] = H
        traj[0, DET, w0:w1] = D
        traj[0, ATT, m.rival] = att
    s, b, g, a, q, h, c, e = H  # views, (n, R) each
    s0, b0, a0, c0, e0 = (m.x0[v, :n, None] for v in (SIG, SUB, ACC, CON, ENG))

    # Per-step constants, folded: E1a + E1b is r_s (diag(λ) W - I) z.
    M_sig = p["r_signal"] * (m.lam[:, None] * m.W - np.eye(n))
    k_hs = p["r_signal"] * p["courting_signal_pull"]
    k_es = p["r_signal"] * p["engagement_signal_pull"]
    sig_eps = p["signal_noise_step"]
    r_b, r_g, r_h, r_c, r_q, r_e = (p[k] for k in ("r_substance", "r_grievance", "r_courting",
                                                   "r_conditionality", "r_learning", "r_engagement"))
    k_bs, k_ba = r_b * p["substance_signal_coupling"], r_b * p["substance_accession_coupling"]
    k_gc = r_g * p["grievance_conditionality_gain"]
    k_hard = r_c * p["hardening_gain"]
    b_hard = b0 - p["backsliding_tolerance"]  # hardening when b < b̄ - θ_b
    r_soft, c_floor = p["r_softening"], p["conditionality_floor"]
    k_pi = p["reward_gain_step"]
    tau = m.tau[:, None]
    sd = p["courting_noise"]
    log_shift = -0.5 * sd * sd
    budget0, k_det, d_sat = p["rival_budget"], p["rival_budget"] * p["detente_damping"], p["rival_saturation"]
    r_det = p["r_detente"]

    # Transient pulses: one row each, created when their event applies, faded together (E0b).
    schedule = _pulse_schedule(m)
    pulse_row = {kj: r for r, kj in enumerate(schedule)}
    J = len(schedule)
    rem = np.zeros((J, R))
    fade_coef = np.array([-(1.0 - m.events_by_step[k][j].retention) for k, j in schedule])[:, None]
    # Pulses on the same variable of the same agent are summed through a 0/1 matrix onto unique slots.
    keys = [(m.events_by_step[k][j].var, m.events_by_step[k][j].agent) for k, j in schedule]
    slots = sorted(set(keys))
    S = np.zeros((len(slots), J))
    for r, key in enumerate(keys):
        S[slots.index(key), r] = 1.0
    hedger_slots = all(v < N_HEDGER_VARS for v, _ in slots)
    flat_slots = [v * n + i for v, i in slots]
    first_pulse_step = min((k for k, _ in schedule), default=m.steps + 1)

    c_prev = np.repeat(c0, R, axis=1)  # E6: the previous snapshot's conditionality; c̄ in step 1
    noise = rng.standard_normal((m.steps, 2, n, R))  # per step: eps for the n hedgers, then eta
    d = np.empty_like(H)  # the mechanisms' changes to H
    d[ACC] = 0.0  # accession has no mechanism
    Wz = np.empty((n, R))
    t1, t2 = np.empty((n, R)), np.empty((n, R))

    for k in range(1, m.steps + 1):
        eps, eta = noise[k - 1]

        # E0b: fade the pulses created in earlier steps (rows not yet created are 0); drop those below
        # PULSE_DROP, i.e. set them to 0 so that they never fade again.
        if k > first_pulse_step:
            fade = fade_coef * rem
            moved = np.einsum("sj,jr->sr", S, fade)  # einsum: Debian's reference BLAS is slow here
            if hedger_slots:
                Hf[flat_slots] += moved
            else:
                for (var, agent), mv in zip(slots, moved):
                    slot(var, agent)[...] += mv
            rem += fade
            rem[np.abs(rem) < PULSE_DROP] = 0.0

        # E0a: the events of step k, each effect clamped to its variable's range as it applies.
        for j, f in enumerate(m.events_by_step.get(k, ())):
            row = slot(f.var, f.agent)
            before = row.copy()
            wanted = f.delta * slot(f.scale_var, f.agent) if f.scale_var >= 0 else f.delta
            np.minimum(np.maximum(before + wanted, VARS[f.var][2]), VARS[f.var][3], out=row)
            if f.retention < 1.0:
                np.subtract(row, before, out=rem[pulse_row[(k, j)]])

        # E1a..E8, all from this snapshot.
        z = s - s0
        # E1: r_s (λ (Wz - z) - (1 - λ) z - κ_hs h - κ_es (e - ē)) + σ ε
        np.einsum("ij,jr->ir", M_sig, z, out=Wz)
        np.multiply(h, k_hs, out=t1)
        np.subtract(Wz, t1, out=d[SIG])
        np.subtract(e, e0, out=t2)  # e - ē
        t2 *= k_es
        d[SIG] -= t2
        np.multiply(eps, sig_eps, out=t1)
        d[SIG] += t1
        # E2: r_b (b̄ + ω_s z + ω_a (a - ā) - b)
        np.subtract(b0, b, out=t1)
        t1 *= r_b
        z *= k_bs
        t1 += z
        np.subtract(a, a0, out=t2)
        t2 *= k_ba
        np.add(t1, t2, out=d[SUB])
        # E3: r_g (κ_gc a [c - c̄]+ - g)
        np.subtract(c, c0, out=t1)
        np.maximum(t1, 0.0, out=t1)
        t1 *= a
        t1 *= k_gc
        np.multiply(g, r_g, out=t2)
        np.subtract(t1, t2, out=d[GRI])
        # E4: h* = min(1, κ_h g q exp(σ_h η - σ_h²/2)); r_h (h* - h)
        np.multiply(eta, sd, out=t1)
        t1 += log_shift
        np.exp(t1, out=t1)
        t1 *= g
        t1 *= q
        t1 *= p["courting_gain"]
        np.minimum(t1, 1.0, out=t1)
        t1 -= h
        np.multiply(t1, r_h, out=d[COU])
        # E5: r_c (c̄ - c) - r_soft h [c - c_floor]+ + r_c κ_hard [b̄ - b - θ_b]+
        np.subtract(c0, c, out=d[CON])
        d[CON] *= r_c
        np.subtract(c, c_floor, out=t1)
        np.maximum(t1, 0.0, out=t1)
        t1 *= h
        t1 *= r_soft
        d[CON] -= t1
        np.subtract(b_hard, b, out=t1)
        np.maximum(t1, 0.0, out=t1)
        t1 *= k_hard
        d[CON] += t1
        # E6: π = tanh(κ_π [c_prev - c]+); r_q h (π - q)
        np.subtract(c_prev, c, out=t1)
        np.maximum(t1, 0.0, out=t1)
        t1 *= k_pi
        np.tanh(t1, out=t1)
        t1 -= q
        t1 *= h
        np.multiply(t1, r_q, out=d[BEL])
        # E7: d_i = τ_i h_i; B = B0 (1 - κ_D max_w D_w); e* = ē + B d / (d_sat + Σ d); r_e (e* - e)
        np.multiply(tau, h, out=t1)
        share = budget0 - k_det * D.max(axis=0)
        share /= d_sat + t1.sum(axis=0)
        t1 *= share
        t1 += e0
        t1 -= e
        np.multiply(t1, r_e, out=d[ENG])
        # E8: -r_D D, from the snapshot too
        d_det = D * -r_det

        # Store the snapshot's conditionality for E6, add the changes, set the rival's attention, clip.
        c_prev[...] = c
        H += d
        D += d_det
        np.subtract(e, e0, out=t1)
        t1.sum(axis=0, out=att)
        np.maximum(H[:SUB + 1], -1.0, out=H[:SUB + 1])  # signal, substance: [-1, 1]
        np.minimum(H[:SUB + 1], 1.0, out=H[:SUB + 1])
        np.maximum(H[GRI:], 0.0, out=H[GRI:])  # grievance .. engagement: [0, 1]
        np.minimum(H[GRI:], 1.0, out=H[GRI:])
        np.maximum(D, 0.0, out=D)
        np.minimum(D, 1.0, out=D)
        np.maximum(att, VARS[ATT][2], out=att)
        np.minimum(att, VARS[ATT][3], out=att)
        if traj is not None:
            traj[k, :N_HEDGER_VARS, :n] = H
            traj[k, DET, w0:w1] = D
            traj[k, ATT, m.rival] = att

    x = np.zeros((N_VARS, m.n_agents, R))
    x[:N_HEDGER_VARS, :n] = H
    x[DET, w0:w1] = D
    x[ATT, m.rival] = att
    return x


def ensemble_stats(m, R, seed=None, block=4096):
    """Mean and standard deviation (ddof = 1) over R replicates of every variable of every agent at every
    step: two arrays of shape (steps + 1, N_VARS, n_agents). Blocks of replicates are combined exactly
    (Chan et al.'s pairwise update), so memory stays bounded for large R."""
    rng = np.random.Generator(np.random.PCG64(m.seed if seed is None else seed))
    shape = (m.steps + 1, N_VARS, m.n_agents)
    count, mean, m2 = 0, np.zeros(shape), np.zeros(shape)
    done = 0
    while done < R:
        r = min(block, R - done)
        traj = np.zeros(shape + (r,))
        simulate_block(m, r, rng, traj)
        bmean = traj.mean(axis=3)
        bm2 = ((traj - bmean[..., None]) ** 2).sum(axis=3)
        delta = bmean - mean
        total = count + r
        mean = mean + delta * (r / total)
        m2 = m2 + bm2 + delta ** 2 * (count * r / total)
        count = total
        done += r
    sd = np.sqrt(m2 / (count - 1)) if count > 1 else np.zeros(shape)
    return mean, sd


def benchmark(m, R, seconds, seed=None, trajectory=True):
    """Runs batches of R replicates until `seconds` have passed (at least one batch); returns the throughput.
    With `trajectory`, every batch fills its whole trajectory, as hedgesim's run() does; without, it only
    steps (like a sweep that keeps nothing)."""
    rng = np.random.Generator(np.random.PCG64(m.seed if seed is None else seed))
    simulate_block(m, min(R, 64), rng)  # warm-up (allocator, code paths)
    # One trajectory buffer reused by every batch, as a C++ run's freed trajectory is reused by the next run's
    # allocation.
    traj = np.zeros((m.steps + 1, N_VARS, m.n_agents, R)) if trajectory else None
    batches, t0 = 0, time.perf_counter()
    while True:
        simulate_block(m, R, rng, traj)
        batches += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds:
            break
    agent_steps = batches * R * m.steps * m.n_agents
    return {
        "scenario": m.scenario_name,
        "replicates": R,
        "trajectory": trajectory,
        "batches": batches,
        "steps": m.steps,
        "agents": m.n_agents,
        "seconds": elapsed,
        "agent_steps_per_s": agent_steps / elapsed,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }


def dump_mean(m, mean, path, variables=("signal", "substance")):
    """Writes the ensemble mean of each hedger's variables at every step: step,agent,variable,mean."""
    with open(path, "w") as f:
        f.write("step,agent,variable,mean\n")
        for k in range(m.steps + 1):
            for i in range(m.n_hedgers):
                for name in variables:
                    f.write(f"{k},{m.agent_ids[i]},{name},{mean[k, VAR[name], i]!r}\n")


def main(argv=None):
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default=str(root / "scenarios" / "veto-2019.toml"),
                    help="scenario file (TOML); it names its model directory (default: %(default)s)")
    ap.add_argument("--replicates", "-r", type=int, default=1024,
                    help="replicates stepped at once (default: %(default)s)")
    ap.add_argument("--seconds", type=float, default=2.0,
                    help="time the benchmark for at least this long (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=None, help="PCG64 seed (default: the scenario's seed)")
    ap.add_argument("--no-trajectory", action="store_true",
                    help="time the stepping only, without filling each batch's trajectory")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ap.add_argument("--dump-mean", metavar="FILE",
                    help="instead of timing, write the ensemble mean of each hedger's signal and substance "
                         "at every step as CSV (step,agent,variable,mean)")
    args = ap.parse_args(argv)
    if args.replicates < 1:
        ap.error("--replicates must be at least 1")
    m = load(args.scenario)
    if args.dump_mean:
        mean, _ = ensemble_stats(m, args.replicates, args.seed)
        dump_mean(m, mean, args.dump_mean)
        print(f"wrote {args.dump_mean}: mean of {args.replicates} replicates x {m.steps} steps",
              file=sys.stderr)
        return 0
    res = benchmark(m, args.replicates, args.seconds, args.seed, trajectory=not args.no_trajectory)
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{m.scenario_name}: {res['replicates']} replicates x {m.steps} steps x {m.n_agents} agents, "
              f"{'' if res['trajectory'] else 'stepping only, '}{res['batches']} batches in "
              f"{res['seconds']:.2f} s: "
              f"{res['agent_steps_per_s'] / 1e6:.2f} M agent-steps/s (NumPy {np.__version__}, one thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
