#!/usr/bin/env bash
# The end-to-end test of docs/cluster.md's batch script, scripts/slurm/sweep.sbatch (which the page must quote
# whole: checked first), on a real Slurm. Starts a throw-away one-node cluster on loopback (munged, slurmctld
# and slurmd from Debian's packages; every file and socket in its own temporary directory; free ports), submits
# the script with sbatch for a small experiment on 2 ranks and checks that its outputs are the bytes of one
# `hedgesim sweep` process; then cancels a second submission with scancel once some but not all chunks are
# journaled, submits the same script again (it must add --resume) and checks the resumed outputs' bytes too.
# The first two jobs start their ranks with srun --mpi=pmix, the third with mpirun (LAUNCHER=mpirun).
# Stops every daemon and job it started and removes its directory on the way out, failed or not.
#
# Usage: slurm_test.sh HEDGESIM_BINARY SOURCE_DIR
# Exit: 0 passed, 1 failed, 77 skipped (Slurm cannot start here; one line says why). ctest maps 77 to
# "skipped" (SKIP_RETURN_CODE in tests/slurm/CMakeLists.txt).
set -euo pipefail

readonly SKIP=77
now_ms() { date +%s%3N; }
started=$(now_ms)
seconds() { # MILLISECONDS as seconds with one decimal
  printf '%d.%d' $(($1 / 1000)) $(($1 % 1000 / 100))
}
elapsed() { seconds $(($(now_ms) - started)); }
say() { printf 'slurm_test: %5s s  %s\n' "$(elapsed)" "$*"; }
skip() {
  echo "slurm_test: SKIPPED: $*"
  exit "$SKIP"
}
show_logs() {
  local f
  [ -n "${tmp:-}" ] || return 0
  for f in "$tmp"/log/* "$tmp"/work/*.log; do
    [ -f "$f" ] || continue
    echo "---- ${f#"$tmp"/} (last 15 lines)"
    tail -n 15 "$f"
  done
}
fail() {
  echo "slurm_test: FAILED: $*" >&2
  show_logs >&2
  exit 1
}

[ $# -eq 2 ] || {
  echo "usage: $0 HEDGESIM_BINARY SOURCE_DIR" >&2
  exit 2
}
hedgesim=$(realpath "$1")
source_dir=$(realpath "$2")
batch_script=$source_dir/scripts/slurm/sweep.sbatch
[ -x "$hedgesim" ] || fail "$hedgesim is not an executable"

# The script under test is the one the documentation shows: docs/cluster.md quotes it whole.
quoted=$(awk '/^## A Slurm batch script/ { in_section = 1 }
  in_section && /^```/ { if (in_block) exit; in_block = 1; next }
  in_block { print }' "$source_dir/docs/cluster.md")
[ "$quoted" = "$(cat "$batch_script")" ] ||
  fail "docs/cluster.md's batch script is not scripts/slurm/sweep.sbatch: quote the file whole"

# ---- can a cluster start here at all?
[ "$(id -u)" -eq 0 ] || skip "not root: this throw-away cluster runs slurmctld and slurmd as root (SlurmUser=root)"
for c in munged munge slurmctld slurmd sbatch squeue sinfo scontrol scancel mpirun; do
  command -v "$c" >/dev/null ||
    skip "$c not found: scripts/install-deps.sh installs munge, slurmctld, slurmd and slurm-client (Debian 12)"
done

tmp=$(mktemp -d /tmp/slurm-test.XXXXXX)
chmod 755 "$tmp" # munged refuses a socket in a directory that not everyone may enter
mkdir -p "$tmp"/{etc,munge,state,spool,log,run,tmp,work}
chmod 755 "$tmp/munge"

# Every process this test starts (the daemons and, through sbatch's environment, every job's processes)
# carries this variable; the clean-up ends exactly those processes, by their ids.
mark="HEDGESIM_SLURM_TEST=$tmp"
marked_pids() { # read with builtins only: a fork per process takes seconds on a loaded machine
  local p v
  for p in /proc/[0-9]*; do
    { while IFS= read -r -d '' v; do
      if [ "$v" = "$mark" ]; then
        echo "${p#/proc/}"
        break
      fi
    done <"$p/environ"; } 2>/dev/null || true
  done
  return 0
}
cleanup() {
  local rc=$? i
  local -a pids
  set +e
  trap - EXIT INT TERM
  if [ -n "${jobs_submitted:-}" ]; then # (scancel waits for a controller that is not there)
    scancel --quiet --full --user=root 2>/dev/null
    for ((i = 0; i < 50; i++)); do
      [ -z "$(squeue -h 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  mapfile -t pids < <(marked_pids)
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    mapfile -t pids < <(marked_pids)
    [ ${#pids[@]} -eq 0 ] && break
    sleep 0.1
  done
  [ ${#pids[@]} -eq 0 ] || kill -KILL "${pids[@]}" 2>/dev/null
  rm -rf "$tmp"
  say "stopped the cluster and removed $tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the experiment, and the reference: one process (run while the cluster starts)
# France's 2019-2025 strategy (344 weekly steps), 1500 points x 4 replicates in 250 chunks of 6 points:
# about 2 s of one core's work, long enough to cancel a job part-way, short enough for the time budget.
experiment=$tmp/work/slurm-test.toml
cat >"$experiment" <<EOF
[experiment]
name = "slurm-test"
scenario = "$source_dir/scenarios/france-strategy-2019-2025.toml"
seed = 7
replicates = 4
chunk_points = 6
[design]
kind = "lhs"
samples = 1500
[[parameters]]
name = "grievance_weight"
min = 1.0
max = 4.0
[[parameters]]
name = "engagement_signal_pull"
min = 0.3
max = 1.2
[[metrics]]
name = "srb_courting"
agent = "SRB"
variable = "courting"
statistic = "mean"
[[metrics]]
name = "mkd_gap_max"
agent = "MKD"
variable = "gap"
statistic = "max"
EOF
"$hedgesim" sweep "$experiment" --out "$tmp/work/single" --threads 1 --quiet >"$tmp/log/single.log" 2>&1 &
single_pid=$!

# ---- the cluster
node=$(hostname -s)
# Two free ports below the ephemeral range, so that no port-0 listener of a test running beside this one takes
# them between now and the daemons' start. A port is taken if any TCP socket has it (conservatively, at either end).
port_taken() { grep -q ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [ "$p" != "${1:-}" ] && ! port_taken "$p" && break
  done
  echo "$p"
}
ctld_port=$(free_port)
slurmd_port=$(free_port "$ctld_port")
socket=$tmp/munge/munge.socket
# Job ids start at a random number: two clusters of this test running at once must not both have a job 1,
# whose ranks OpenMPI would give the same shared-memory segments in /dev/shm (seen: both jobs crashed).
first_job_id=$(((RANDOM << 15 | RANDOM) % 60000000 + 1000))
cat >"$tmp/etc/slurm.conf" <<EOF
# A throw-away one-node cluster on loopback for tests/slurm/slurm_test.sh.
ClusterName=hedgesim-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
FirstJobId=$first_job_id
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
TmpFS=$tmp/tmp
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/etc/slurm.conf
# The jobs' temporary files (OpenMPI's session directory among them) stay in this test's directory.
export TMPDIR=$tmp/tmp
# OpenMPI's mpirun refuses root unless told (the jobs inherit this environment through sbatch).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

say "starting munged, slurmctld and slurmd (ports $ctld_port and $slurmd_port, node $node)"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
env "$mark" munged --foreground --socket="$socket" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" >"$tmp/log/munged.log" 2>&1 &
for ((i = 0; i < 50; i++)); do
  [ -S "$socket" ] && break
  sleep 0.1
done
munge --socket="$socket" --no-input 2>/dev/null | unmunge --socket="$socket" >/dev/null 2>&1 ||
  skip "munged did not start: $(tail -n 1 "$tmp/log/munged.log")"
env "$mark" slurmctld -D >"$tmp/log/slurmctld.log" 2>&1 &
env "$mark" slurmd -D >"$tmp/log/slurmd.log" 2>&1 &
state=""
for ((i = 0; i < 150; i++)); do # at most 30 s
  state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || skip "node $node is not idle after 30 s (state '$state'); slurmd's last line: $(tail -n 1 "$tmp/log/slurmd.log")"
cluster_started=$(elapsed)
say "node $node idle"

# ---- jobs
# The documented script as it is, on this one node: the command line overrides its #SBATCH options (2 ranks of
# one core each instead of 4 nodes x 16 ranks x 2 cores), and EXPERIMENT and OUT are the script's own variables.
submit() { # OUT [VAR=VALUE...]: the job's id
  local out=$1
  shift
  (cd "$tmp/work" && env "$mark" EXPERIMENT="$experiment" OUT="$out" PATH="$(dirname "$hedgesim"):$PATH" "$@" \
    sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --time=00:03:00 "$batch_script")
}
processes_of() { # OUT: the ids of this test's processes whose command line names OUT (a job's launcher and ranks)
  local p cmd
  for p in $(marked_pids); do
    cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
    [[ "$cmd" == *"$1"* ]] && echo "$p"
  done
  return 0
}
job_field() { # JOB FIELD: a field of `scontrol show job` (the controller keeps finished jobs for MinJobAge)
  scontrol -o show job "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
job_running() { # JOB: whether the job is yet to end
  case $(job_field "$1" JobState) in
  PENDING | CONFIGURING | RUNNING | COMPLETING) return 0 ;;
  *) return 1 ;;
  esac
}
# The waits are bounded so that even a failing run ends (and cleans up) before ctest's TIMEOUT of 240 s:
# 30 s for the node, 40 s per job, 30 s for the journal and 5 s for the cancelled job's processes.
wait_job() { # JOB SECONDS: waits until the job has ended
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    job_running "$1" || return 0
    sleep 0.1
  done
  fail "job $1 still $(job_field "$1" JobState) after $2 s"
}
expect_same_outputs() { # REFERENCE DIR: every output file the same bytes; meta.json but for command_line and created
  local f
  [ ! -e "$2/journal.hsj" ] || fail "$2/journal.hsj is left over"
  [ "$(cd "$1" && echo *)" = "$(cd "$2" && echo *)" ] ||
    fail "$2 holds $(cd "$2" && echo *), not $(cd "$1" && echo *)"
  for f in "$1"/*; do
    f=$(basename "$f")
    if [ "$f" = meta.json ]; then
      cmp -s <(grep -Ev '"(command_line|created)"' "$1/$f") <(grep -Ev '"(command_line|created)"' "$2/$f") ||
        fail "$2/meta.json differs from a single process's beyond its command_line and created"
    else
      cmp -s "$1/$f" "$2/$f" || fail "$2/$f differs from a single process's"
    fi
  done
}

t=$(now_ms)
jobs_submitted=1
job=$(submit "$tmp/work/straight")
say "job $job submitted: 2 ranks, srun --mpi=pmix"
wait_job "$job" 40
[ "$(job_field "$job" JobState)" = COMPLETED ] ||
  fail "job $job ended $(job_field "$job" JobState), exit $(job_field "$job" ExitCode)"
grep -q "on 2 MPI ranks" "$tmp/work/hedgesim-sobol-$job.log" || fail "job $job did not run on 2 MPI ranks"
wait "$single_pid" || fail "the single process failed: $(tail -n 1 "$tmp/log/single.log")"
expect_same_outputs "$tmp/work/single" "$tmp/work/straight"
straight_seconds=$(seconds $(($(now_ms) - t)))
say "job $job: the bytes of one process"

t=$(now_ms)
out=$tmp/work/cancelled
job=$(submit "$out")
journal_bytes=0
for ((i = 0; i < 300; i++)); do # at most 30 s: some chunks journaled (a 342-byte header, 412 bytes a chunk)
  journal_bytes=$(stat -c %s "$out/journal.hsj" 2>/dev/null || echo 0)
  [ "$journal_bytes" -gt 4096 ] && break
  if ((i % 10 == 9)) && ! job_running "$job"; then
    fail "job $job ended $(job_field "$job" JobState) before it journaled 4096 bytes"
  fi
  sleep 0.1
done
[ "$journal_bytes" -gt 4096 ] || fail "job $job journaled $journal_bytes bytes in 30 s"
scancel "$job"
wait_job "$job" 40
say "job $job cancelled with $journal_bytes bytes journaled: $(job_field "$job" JobState)"
# Nothing of the job may outlive it, or the next job would resume a journal that is still being written.
# (Seen with LAUNCHER=mpirun: with proctrack/linuxproc, Slurm lost track of an mpirun orphaned by the
# cancelled batch shell, and reported the job ended while mpirun and rank 0 were still running.)
for ((i = 0; i < 50; i++)); do
  [ -z "$(processes_of "$out")" ] && break
  sleep 0.1
done
[ -z "$(processes_of "$out")" ] || fail "job $job has ended but these of its processes have not: $(processes_of "$out")"
log=$tmp/work/hedgesim-sobol-$job.log
[[ "$(cat "$log")" =~ interrupted:\ ([0-9]+)\ of\ ([0-9]+)\ chunks ]] || fail "job $job did not say it was interrupted"
grep -q "resume with: srun hedgesim sweep " "$log" || fail "job $job's resume hint is not srun's: $(grep resume "$log")"
done_chunks=${BASH_REMATCH[1]}
all_chunks=${BASH_REMATCH[2]}
if [ "$done_chunks" -eq 0 ] || [ "$done_chunks" -ge "$all_chunks" ]; then
  fail "job $job was cancelled with $done_chunks of $all_chunks chunks done, not part-way"
fi
[ ! -e "$out/results.csv" ] || fail "the cancelled job wrote results.csv"
cancelled_seconds=$(seconds $(($(now_ms) - t)))

t=$(now_ms)
job=$(submit "$out" LAUNCHER=mpirun)
say "job $job submitted: the same script again, 2 ranks, mpirun ($done_chunks of $all_chunks chunks were done)"
wait_job "$job" 40
[ "$(job_field "$job" JobState)" = COMPLETED ] ||
  fail "job $job ended $(job_field "$job" JobState), exit $(job_field "$job" ExitCode)"
grep -q -- '--resume' "$out/meta.json" || fail "job $job did not resume (no --resume in its command line)"
expect_same_outputs "$tmp/work/single" "$out"
resumed_seconds=$(seconds $(($(now_ms) - t)))
say "job $job resumed to the bytes of one process"
say "passed: cluster up in $cluster_started s; jobs $straight_seconds s, $cancelled_seconds s (cancelled), $resumed_seconds s (resumed)"
