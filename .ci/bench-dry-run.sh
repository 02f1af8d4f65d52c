#!/usr/bin/env bash
# Benchmark smoke test for CI (called from .ci/run): BenchmarkDotNet's Dry job (1 cold iteration, in process, no
# generated project to build) on the tiny kernel shapes of every family, the fixed-shape GEMM/conv benchmarks' small
# cases, and augmentation vs OpenCV. Every kernel benchmark checks one run against its naive reference in
# [GlobalSetup]; a mismatch (or any benchmark error) makes BenchmarkDotNet report a failure and this script exit 1.
# About 1 minute on 2 cores after the build. Results: BenchmarkDotNet.Artifacts/results/ (markdown, CSV, JSON).
#   bash .ci/bench-dry-run.sh
# To see the failure path work: VISIONCUDA_BENCH_FAIL_CHECK=bn bash .ci/bench-dry-run.sh   (must exit 1)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build benchmarks/VisionCuda.Benchmarks -c Release --nologo -v q -warnaserror

export VISIONCUDA_BENCH_SIZE=tiny
mkdir -p BenchmarkDotNet.Artifacts/dry
start=$SECONDS
set +e
timeout 600 dotnet benchmarks/VisionCuda.Benchmarks/bin/Release/net10.0/VisionCuda.Benchmarks.dll \
  --job Dry --inProcess --stopOnFirstError false \
  --artifacts BenchmarkDotNet.Artifacts/dry \
  --filter '*Kernels.*' '*GemmBenchmarks.CpuSgemm' '*GemmBenchmarks.ReferenceSgemm' '*Conv2dBenchmarks.*Small' '*AugmentBenchmarks*' \
  > BenchmarkDotNet.Artifacts/dry/run.log 2>&1
status=$?
set -e
grep -E '^// check|^\| |benchmark\(s\) failed|Mismatch|Exception:' BenchmarkDotNet.Artifacts/dry/run.log || true
echo "bench dry run: exit $status after $((SECONDS - start)) s (log: BenchmarkDotNet.Artifacts/dry/run.log)"
exit $status
