#!/usr/bin/env bash
# README quick start, command 1: install what is missing, build in Release, run the 2019 veto scenario as an
# ensemble, plot it and explain Serbia's movement. Outputs go to out/veto-2019/. Also installs the teaching
# page's npm packages, so that `hedgesim serve` works right after.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
./scripts/web-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target hedgesim

bin=build/release/src/cli/hedgesim
$bin validate scenarios/veto-2019.toml
$bin run scenarios/veto-2019.toml --replicates 200 --out out/veto-2019
$bin plot out/veto-2019 --agents SRB,MKD,ALB,MNE,BIH,KOS --out out/veto-2019/plot.png
$bin explain out/veto-2019 --agent SRB --from 2019-10-01 --to 2019-12-31
echo
echo "For the classroom page: $bin serve   (then open http://127.0.0.1:8080/; teacher's guide: docs/teaching.md)"
