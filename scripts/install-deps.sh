#!/usr/bin/env bash
# Installs, from Debian 12's packages, whatever hedgesim needs that is missing. Run as root (or with sudo).
# Skips apt-get entirely when everything is already installed, so repeated runs are fast.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config
  libeigen3-dev libboost-random-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev librandom123-dev
  libopenmpi-dev openmpi-bin libcpp-httplib-dev
  gnuplot-nox python3
  munge slurmctld slurmd slurm-client  # tests/slurm: the batch script on a throw-away one-node Slurm cluster
  clang libclang-rt-14-dev  # scripts/fuzz.sh: clang 14 and its libFuzzer and sanitizer runtimes
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The teaching page (web/) takes its chart library from npm, and its end-to-end tests drive Debian's Chromium.
# Checked as commands, not packages: a machine may already have Node.js and npm from elsewhere (e.g.
# NodeSource), which Debian's npm package would conflict with.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages, Node.js, npm and Chromium present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
