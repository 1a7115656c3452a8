#!/usr/bin/env python3
"""Server load: what `hedgesim serve` answers when many clients use it at once, as a computer room would.

A measurement for docs/reliability.md ("The server"), not a test: it is not registered with ctest. Python 3's
standard library only (no pip).

It starts `hedgesim serve --port 0` from the given build (the server picks a free port and prints it),
waits for it, and notes its memory (VmRSS and VmHWM from /proc/PID/status). Then, for each round, CLIENTS
threads share REQUESTS requests between them, each thread on its own keep-alive connection (http.client),
as fast as answers come. The requests are what the teaching page (web/app.js) sends:

  GET  /api/scenarios                                   (the page's first request)
  POST /api/run  {"scenario": S, "replicates": 8}       (play a scenario: the page's default of 8 replicates)
  POST /api/run  {... "events": [one added event]}      (a branch: Russia offers arms to Montenegro)

in the proportions 1 : 1 : 1, shuffled with a fixed seed. S is veto-2019 (49 weekly steps). Every answer
must be HTTP 200 with a JSON body; each kind of request must get the same body every time (the runs are
deterministic at the scenario's seed), which shows that concurrent clients do not get each other's answers.
Anything else (another status, a different body, a dropped connection, a timeout of 60 s) counts as an
error and is printed. After each round the server's memory is read again. At the end the server is stopped
with SIGINT and must exit 0.

Prints, per endpoint and in all: requests, errors, latency p50/p90/p99/max (of the HTTP 200 answers, from
sending the request to the last byte of the answer); the round's wall time and
throughput; the memory before the first round, after each, and at rest 6 s after the last (when the
keep-alive connections and their threads are gone).

Usage (from the project root, after cmake --preset release && cmake --build --preset release -j1):
  python3 bench/server_load.py [--clients 20] [--requests 300] [--rounds 1] [--hedgesim PATH]
Exit code: 0 if there were no errors, 1 otherwise.
"""

import argparse
import collections
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = "scenarios/veto-2019.toml"
RUN = {"scenario": SCENARIO, "replicates": 8}
BRANCH = dict(RUN, events=[{"date": "2019-11-01", "type": "arms_offer", "actor": "RUS",
                            "targets": ["MNE"], "label": "S-400 for Podgorica"}])
KINDS = {
    "GET /api/scenarios": ("GET", "/api/scenarios", None),
    "POST /api/run": ("POST", "/api/run", json.dumps(RUN)),
    "POST /api/run (branch)": ("POST", "/api/run", json.dumps(BRANCH)),
}


def memory(pid):
    """VmRSS and VmHWM of a process, in MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Threads"):
                out[key] = int(value.split()[0]) / 1024 if key != "Threads" else int(value)
    return out


def start_server(binary):
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--root", ROOT], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()  # hedgesim serve: open http://127.0.0.1:PORT/ in a browser (Ctrl-C stops)
    if "http://" not in line:
        proc.kill()
        sys.exit(f"server_load: the server did not start: {line.strip()}")
    port = int(line.split("http://")[1].split("/")[0].rsplit(":", 1)[1])
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain its notes
    return proc, port


def request(conn, method, path, body):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return time.perf_counter() - start, r.status, data


def one_round(port, clients, plan, expected, errors, latencies, answered):
    lock = threading.Lock()
    next_index = [0]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if next_index[0] >= len(plan):
                    break
                kind = plan[next_index[0]]
                next_index[0] += 1
            method, path, body = KINDS[kind]
            try:
                took, status, data = request(conn, method, path, body)
            except Exception as e:  # a dropped connection or a timeout: an error, and a fresh connection
                with lock:
                    errors.append((kind, f"{type(e).__name__}: {e}"))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            problem = None
            if status != 200:
                problem = f"HTTP {status}: {data[:200]!r}"
            else:
                try:
                    json.loads(data)
                except ValueError:
                    problem = f"not JSON: {data[:200]!r}"
                if problem is None and data != expected[kind]:
                    problem = "a body different from the first answer to the same request"
            with lock:
                answered[0] += 1
                if status == 200:
                    latencies[kind].append(took)
                if problem:
                    errors.append((kind, problem))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def percentile(sorted_values, p):
    """The nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=300, help="requests per round, shared by the clients")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1, help="of the shuffle of the requests")
    ap.add_argument("--hedgesim", default=os.path.join(ROOT, "build/release/src/cli/hedgesim"))
    a = ap.parse_args()

    proc, port = start_server(a.hedgesim)
    all_errors = []
    try:
        # The expected bodies: one answer to each kind of request, alone, before the load.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        expected = {}
        for kind, (method, path, body) in KINDS.items():
            status, data = None, b"no answer"
            for _ in range(50):  # the server may need a moment to start listening
                try:
                    _, status, data = request(conn, method, path, body)
                    break
                except ConnectionError:
                    conn.close()
                    time.sleep(0.1)
            if status != 200:
                sys.exit(f"server_load: {kind} answered {status} before any load: {data[:300]!r}")
            expected[kind] = data
        conn.close()
        time.sleep(0.2)
        before = memory(proc.pid)
        print(f"server_load: hedgesim serve (pid {proc.pid}, port {port}); {a.clients} clients, "
              f"{a.requests} requests per round, {a.rounds} round(s)")
        print(f"  memory before: VmRSS {before['VmRSS']:.1f} MB, VmHWM {before['VmHWM']:.1f} MB, "
              f"{before['Threads']} threads (after one request of each kind)")

        rng = random.Random(a.seed)
        kinds = list(KINDS)
        all_latencies = {k: [] for k in kinds}
        issued = {k: 0 for k in kinds}

        for rnd in range(1, a.rounds + 1):
            plan = [kinds[i % len(kinds)] for i in range(a.requests)]
            rng.shuffle(plan)
            for k in plan:
                issued[k] += 1
            latencies = {k: [] for k in kinds}
            errors = []
            answered = [0]
            wall = one_round(port, a.clients, plan, expected, errors, latencies, answered)
            after = memory(proc.pid)
            print(f"  round {rnd}: {a.requests} requests, {answered[0]} answered, {len(errors)} errors, {wall:.1f} s "
                  f"({a.requests / wall:.1f} requests/s); memory after: VmRSS {after['VmRSS']:.1f} MB, "
                  f"VmHWM {after['VmHWM']:.1f} MB, {after['Threads']} threads")
            for (kind, problem), count in sorted(collections.Counter(errors).items()):
                print(f"    error x{count}: {kind}: {problem}")
            for k in kinds:
                all_latencies[k] += latencies[k]
            all_errors += errors

        time.sleep(6)  # past the keep-alive timeout (5 s): every connection and its thread is gone
        rest = memory(proc.pid)
        print(f"  memory at rest 6 s after the last round: VmRSS {rest['VmRSS']:.1f} MB, "
              f"VmHWM {rest['VmHWM']:.1f} MB, {rest['Threads']} threads")

        print(f"  {'endpoint':<24} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
              f"{'max ms':>8}")
        everything = []
        for k in kinds + ["all"]:
            v = sorted(everything if k == "all" else all_latencies[k])
            if k != "all":
                everything += v
            n_err = len(all_errors) if k == "all" else sum(kind == k for kind, _ in all_errors)
            n_req = sum(issued.values()) if k == "all" else issued[k]
            print(f"  {k:<24} {n_req:>8} {n_err:>6} " +
                  " ".join(f"{1000 * percentile(v, p):>8.1f}" for p in (50, 90, 99, 100)))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = "none: it did not stop within 20 s of SIGINT and was killed"
    print(f"  the server exited {code} on SIGINT")
    return 0 if not all_errors and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
