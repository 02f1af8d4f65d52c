#!/usr/bin/env bash
# YOLOv8n training images/s: ours (benchmarks/VisionCuda.TrainBench) and the PyTorch peer
# (benchmarks/pytorch/yolov8n_train_peer.py), same protocol (imgsz 320, batch 16, nc 5, 2 threads, fixed random batch,
# warm-up then timed steps, median step), run alternately ROUNDS times so that each ratio compares runs minutes apart
# on a shared machine rather than hours apart. BEFORE_DLL=path/to/VisionCuda.TrainBench.dll adds an older build of
# ours to every round (the "before" column). THREADS=1 compares single-threaded (default 2).
# On a loaded machine set OMP_WAIT_POLICY=PASSIVE: the peer's OpenMP threads otherwise spin at every barrier while
# other processes hold the cores, and its throughput collapses (0.43 img/s seen at load 20, against 6 for ours).
#   bash benchmarks/train-peer-compare.sh [ROUNDS=3] [STEPS=6]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
STEPS=${2:-6}
THREADS=${THREADS:-2}
dotnet build benchmarks/VisionCuda.TrainBench -c Release -v q -nologo >/dev/null
OURS=benchmarks/VisionCuda.TrainBench/bin/Release/net10.0/VisionCuda.TrainBench.dll
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r, $THREADS thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -n "${BEFORE_DLL:-}" ]]; then
    dotnet "$BEFORE_DLL" --steps "$STEPS" --warmup 2 --threads "$THREADS" | sed -n 's/^ours:/  before:/p'
  fi
  dotnet "$OURS" --steps "$STEPS" --warmup 2 --threads "$THREADS" | sed -n 's/^ours:/  ours:/p'
  /usr/bin/python3 benchmarks/pytorch/yolov8n_train_peer.py --steps "$STEPS" --warmup 2 --threads "$THREADS" | sed -n 's/^pytorch:/  pytorch:/p'
done
