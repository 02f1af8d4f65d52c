#!/usr/bin/env bash
# gpu_check.sh -- the emulator's device check, for a lent GPU machine (no dotnet there).
#   native/tools/gpu_check.sh <dir with clang-built *.sm_XX.ptx and a prebuilt gpu_selftest> [extra .cu dir]
# 1. runs gpu_selftest against the real driver on the clang PTX (sm_80 and sm_75): the same checks ctest runs on the
#    emulator, plus the accuracy of common/math_soft.cuh on hardware;
# 2. if nvcc is present, compiles every kernels/*.cu (and the extra dir) with nvcc -ptx to prove common.cuh's nvcc
#    path, and reruns gpu_selftest on the nvcc PTX.
set -u
ptx=$1; extra=${2:-}
out=${OUT:-/tmp/gpu_check}; mkdir -p "$out"
nvidia-smi -L || true
tool=$ptx/gpu_selftest
if command -v g++ >/dev/null; then g++ -O2 -std=c++17 native/tools/gpu_selftest.cpp -ldl -o "$out/gpu_selftest" && tool=$out/gpu_selftest; fi
status=0
for arch in sm_80 sm_75; do "$tool" libcuda.so.1 "$ptx" $arch || status=1; done
nvcc=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null || true)
if [ -n "$nvcc" ]; then
  "$nvcc" --version | tail -2
  mkdir -p "$out/nvcc"
  for f in kernels/*.cu ${extra:+$extra/*.cu}; do
    n=$(basename "${f%.cu}")
    for a in 75 80; do
      "$nvcc" -ptx -arch=compute_$a -O3 -std=c++17 -Ikernels "$f" -o "$out/nvcc/$n.sm_$a.ptx" 2>"$out/nvcc/$n.$a.log" \
        || { echo "nvcc FAILED: $f compute_$a"; cat "$out/nvcc/$n.$a.log"; status=1; }
    done
  done
  echo "nvcc built $(ls "$out/nvcc"/*.ptx | wc -l) PTX files"
  "$tool" libcuda.so.1 "$out/nvcc" sm_80 || status=1
else
  echo "no nvcc on this machine"
fi
exit $status
