#!/usr/bin/env python3
"""Checks that bench/numpy_model.py implements the same model as the C++ engine, so that the speed comparison
of bench/side_by_side.sh compares like with like.

Usage: numpy_model_test.py HEDGESIM_BINARY   (ctest passes $<TARGET_FILE:hedgesim>)

Three checks:

1. Deterministic agreement. With both noises off (scenario overrides signal_noise = 0, courting_noise = 0)
   the model has no randomness left, so one C++ run and the NumPy model must agree to rounding on every
   variable of every agent at every step (|diff| <= 1e-9; seen: 3e-16) on veto-2019,
   france-strategy-2019-2025 (a war shock on western targets, 41 events) and veto-2019 with step_days = 10
   (other rates, other event binning). This checks the whole deterministic machinery: agent order, rates,
   event steps, scale_by, clamping, pulses, E1-E8, clip.

2. Statistical agreement. The random streams differ (Boost mt19937_64 vs NumPy PCG64), so with noise on the
   two ensembles can only agree statistically. For veto-2019 and no-veto-2019, 400 replicates each side, the
   ensemble means of signal, substance, courting and engagement (and of grievance, belief and
   conditionality) of every hedger at every step must satisfy
       |mean_cpp - mean_numpy| <= 5 * sqrt(sd_cpp^2 / 400 + sd_numpy^2 / 400) + 1e-9,
   the standard error of a difference of two independent means, with sd_cpp from the C++ trajectories and
   sd_numpy from the NumPy ensemble. 5 rather than 4 standard errors because about 4,700 means are compared:
   at 5 SE the chance that any one of them fails by Monte-Carlo error alone is below 0.3 % even if they were
   independent (Bonferroni: 4,704 x 5.7e-7), whereas at 4 SE it could reach 30 %; the realised largest
   deviation here is 3.8 SE. The 1e-9 covers steps where both ensembles are still deterministic (sd = 0),
   where the means agree to rounding. The signal's spread, where the signal noise enters, is compared too:
   |log(sd_cpp / sd_numpy)| <= 5 * sqrt(2 (kurtosis - 1) / (4 * 400)) at every step where both are above
   1e-6 (the large-sample standard error of a log ratio of two sample sds, kurtosis from the C++ sample).

3. Power. The same comparison must FAIL against a NumPy ensemble with one parameter changed by a modest
   amount (courting_gain 2.5 -> 2.0, softening_half_life_days 90 -> 70): the test detects a wrong
   mechanism, it does not pass everything.

Nothing here depends on the last bits of either implementation.
"""

import csv
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(ROOT / "bench"))
import numpy_model as nm  # noqa: E402

R = 400
Z = 5.0
ABS_TOL = 1e-9
DETERMINISTIC_TOL = 1e-9
COMPARED = ("signal", "substance", "courting", "engagement", "grievance", "belief", "conditionality")

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print("FAIL: " + message)
    return ok


def run_cpp(binary, scenario, replicates, out_dir):
    cmd = [binary, "run", str(scenario), "-r", str(replicates), "--no-attribution", "--out", str(out_dir)]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr}")


def read_cpp_trajectories(m, out_dir, replicates):
    """trajectory.csv as an array (replicates, steps + 1, N_VARS, n_agents); non-carried variables are 0."""
    ids = {a: i for i, a in enumerate(m.agent_ids)}
    t = np.zeros((replicates, m.steps + 1, nm.N_VARS, m.n_agents))
    seen = 0
    with open(Path(out_dir) / "trajectory.csv", newline="") as f:
        rows = csv.reader(f)
        header = next(rows)
        assert header == ["run", "step", "date", "agent", "variable", "value"], header
        for run, step, _, agent, var, value in rows:
            t[int(run), int(step), nm.VAR[var], ids[agent]] = float(value)
            seen += 1
    carried = 8 * m.n_hedgers + m.n_west + 1
    check(seen == replicates * (m.steps + 1) * carried,
          f"{out_dir}/trajectory.csv has {seen} rows, expected {replicates * (m.steps + 1) * carried}")
    return t


def read_cpp_band_means(m, out_dir):
    ids = {a: i for i, a in enumerate(m.agent_ids)}
    mean = np.full((m.steps + 1, nm.N_VARS, m.n_agents), np.nan)
    with open(Path(out_dir) / "bands.csv", newline="") as f:
        for row in csv.DictReader(f):
            mean[int(row["step"]), nm.VAR[row["variable"]], ids[row["agent"]]] = float(row["mean"])
    return mean


def scenario_without_noise(src, dst, extra=""):
    """A copy of scenario `src` with both noises off (and the `extra` parameter lines), its model path made
    absolute."""
    text = Path(src).read_text()
    model_line = next(line for line in text.splitlines() if line.strip().startswith("model ="))
    rel = model_line.split("=", 1)[1].split("#")[0].strip().strip('"')
    model_dir = (Path(src).parent / rel).resolve()
    assert "parameters" not in tomllib.loads(text), f"{src} has a [parameters] table; extend this test"
    text = text.replace(model_line, f'model = "{model_dir}"')
    text += "\n[parameters]\nsignal_noise = 0\ncourting_noise = 0\n" + extra
    Path(dst).write_text(text)


def deterministic_agreement(binary, tmp):
    cases = (("veto-2019", "", ""), ("france-strategy-2019-2025", "", ""),
             ("veto-2019", "step_days = 10\n", ", step_days = 10"))
    for name, extra, note in cases:
        scenario = Path(tmp) / f"{name}-no-noise{len(extra)}.toml"
        scenario_without_noise(ROOT / "scenarios" / f"{name}.toml", scenario, extra)
        out = Path(tmp) / f"{name}-no-noise{len(extra)}"
        run_cpp(binary, scenario, 1, out)
        name += note
        m = nm.load(scenario)
        cpp = read_cpp_trajectories(m, out, 1)[0]
        rng = np.random.Generator(np.random.PCG64(1))
        traj = np.zeros((m.steps + 1, nm.N_VARS, m.n_agents, 2))
        nm.simulate_block(m, 2, rng, traj)
        diff = np.abs(traj - cpp[..., None]).max()
        k, v, a, _ = np.unravel_index(np.argmax(np.abs(traj - cpp[..., None])), traj.shape)
        check(diff <= DETERMINISTIC_TOL,
              f"{name} without noise: C++ and NumPy differ by {diff:.3g} (step {k}, {m.agent_ids[a]} "
              f"{nm.VARS[v][0]}: C++ {cpp[k, v, a]!r}, NumPy {traj[k, v, a, 0]!r})")
        moved = np.abs(cpp[-1] - cpp[0]).max()
        check(moved > 0.05, f"{name} without noise: the state hardly moves ({moved}); the check is empty")
        print(f"deterministic {name}: {m.steps} steps, max |C++ - NumPy| = {diff:.3g}")


def compare(m, cpp_mean, cpp_sd, np_mean, np_sd, label, report=True):
    """The statistical comparison of check 2; returns (number of failing means, largest z, where)."""
    bad, worst = 0, (0.0, "")
    for var in COMPARED:
        v = nm.VAR[var]
        for i in range(m.n_hedgers):
            se = np.sqrt(cpp_sd[:, v, i] ** 2 / R + np_sd[:, v, i] ** 2 / R)
            diff = np.abs(cpp_mean[:, v, i] - np_mean[:, v, i])
            over = diff > Z * se + ABS_TOL
            z = np.where(diff > ABS_TOL, diff / np.maximum(se, 1e-300), 0.0)
            k = int(np.argmax(z))
            if z[k] > worst[0]:
                worst = (float(z[k]), f"{m.agent_ids[i]} {var} step {k}")
            if over.any():
                bad += int(over.sum())
                k = int(np.argmax(np.where(over, z, -1)))
                if report:
                    check(False, f"{label}: mean {m.agent_ids[i]} {var} differs at {int(over.sum())} "
                                 f"step(s); worst step {k}: C++ {cpp_mean[k, v, i]:.6g} vs NumPy "
                                 f"{np_mean[k, v, i]:.6g}, |diff| {diff[k]:.3g} > {Z:g} x SE {se[k]:.3g}")
    return bad, worst


def compare_signal_spread(m, t, cpp_sd, np_sd, label):
    """|log(sd_cpp / sd_numpy)| of each hedger's signal at every step, against Z standard errors of a log
    ratio of two sample sds: SE(log sd) ~ sqrt((kurtosis - 1) / (4 R)) per side, the kurtosis taken from the
    C++ sample (the signal is not exactly normal: courting pushes it in skewed jumps)."""
    v = nm.SIG
    worst, worst_tol = 0.0, 0.0
    for i in range(m.n_hedgers):
        x = t[:, :, v, i]
        ok = (cpp_sd[:, v, i] > 1e-6) & (np_sd[:, v, i] > 1e-6)
        check(ok[1:].all(), f"{label}: {m.agent_ids[i]} signal has no spread in some step")
        dev = x[:, ok] - x[:, ok].mean(axis=0)
        kurt = (dev ** 4).mean(axis=0) / (dev ** 2).mean(axis=0) ** 2
        tol = Z * np.sqrt(2 * (kurt - 1) / (4 * R))
        lr = np.abs(np.log(cpp_sd[ok, v, i] / np_sd[ok, v, i]))
        if lr.size:
            j = int(np.argmax(lr / tol))
            if lr[j] / tol[j] > worst / max(worst_tol, 1e-300) or worst_tol == 0:
                worst, worst_tol = float(lr[j]), float(tol[j])
            check((lr <= tol).all(), f"{label}: sd of {m.agent_ids[i]} signal differs: |log ratio| "
                                     f"{lr[j]:.3f} > {tol[j]:.3f}")
    return worst, worst_tol


def statistical_agreement(binary, tmp):
    for name in ("veto-2019", "no-veto-2019"):
        scenario = ROOT / "scenarios" / f"{name}.toml"
        out = Path(tmp) / name
        run_cpp(binary, scenario, R, out)
        m = nm.load(scenario)
        t = read_cpp_trajectories(m, out, R)
        cpp_mean, cpp_sd = t.mean(axis=0), t.std(axis=0, ddof=1)
        bands = read_cpp_band_means(m, out)
        carried = ~np.isnan(bands)
        check(np.allclose(bands[carried], cpp_mean[carried], rtol=0, atol=1e-12),
              f"{name}: bands.csv means differ from the means of trajectory.csv")
        np_mean, np_sd = nm.ensemble_stats(m, R, seed=m.seed)
        bad, (zmax, where) = compare(m, cpp_mean, cpp_sd, np_mean, np_sd, name)
        spread, tol = compare_signal_spread(m, t, cpp_sd, np_sd, name)
        n_means = len(COMPARED) * m.n_hedgers * (m.steps + 1)
        print(f"statistical {name}: {R} replicates each, {n_means} means, {bad} outside {Z:g} SE; largest "
              f"deviation {zmax:.2f} SE ({where}); closest signal sd |log ratio| {spread:.3f} "
              f"(tolerance there {tol:.3f})")

        if name == "veto-2019":
            # Check 3: a modestly wrong model must fail the same comparison.
            for param, value in (("courting_gain", 2.0), ("softening_half_life_days", 70.0)):
                wrong = nm.load(scenario, overrides={param: value})
                w_mean, w_sd = nm.ensemble_stats(wrong, R, seed=m.seed)
                wbad, (wz, wwhere) = compare(m, cpp_mean, cpp_sd, w_mean, w_sd, name, report=False)
                check(wbad > 0, f"power: NumPy with {param} = {value} still passes the comparison "
                                f"(largest deviation {wz:.2f} SE); the test cannot detect a wrong mechanism")
                print(f"power: NumPy with {param} = {value} fails as it should: {wbad} means outside "
                      f"{Z:g} SE, largest {wz:.1f} SE ({wwhere})")


def dump_mean_cli(tmp):
    """The --dump-mean output of the command line matches the in-process ensemble means."""
    out = Path(tmp) / "dump.csv"
    scenario = ROOT / "scenarios" / "veto-2019.toml"
    subprocess.run([sys.executable, str(ROOT / "bench" / "numpy_model.py"), "--scenario", str(scenario),
                    "--replicates", "50", "--dump-mean", str(out)], check=True, capture_output=True)
    m = nm.load(scenario)
    mean, _ = nm.ensemble_stats(m, 50)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == (m.steps + 1) * m.n_hedgers * 2, f"--dump-mean wrote {len(rows)} rows")
    ids = {a: i for i, a in enumerate(m.agent_ids)}
    worst = max(abs(float(r["mean"]) - mean[int(r["step"]), nm.VAR[r["variable"]], ids[r["agent"]]])
                for r in rows)
    check(worst == 0.0, f"--dump-mean differs from the in-process means by {worst}")


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: numpy_model_test.py HEDGESIM_BINARY")
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="hedgesim-numpy-test-") as tmp:
        deterministic_agreement(binary, tmp)
        statistical_agreement(binary, tmp)
        dump_mean_cli(tmp)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("numpy_model agrees with the C++ engine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
