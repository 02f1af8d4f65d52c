#!/usr/bin/env bash
# One command for the CPU comparison against PyTorch (issue 7's acceptance figures):
#
#   bash benchmarks/run-baselines.sh [--quick]
#
# It runs, in this order, on this machine:
#   1. the conv and GEMM BenchmarkDotNet benchmarks (Conv2dBenchmarks.ForwardBackward: batch 8, 64->64, 3x3, pad 1,
#      56x56, fwd + bwd-data + bwd-weight; GemmBenchmarks.CpuSgemm: 1024^3), short job, in process;
#   2. `visioncuda bench --size model` (every kernel family on ResNet-18 / yolov8n shapes, each checked against the
#      naive reference before it is timed; median of 10 runs);
#   3. the PyTorch 1.13 CPU baselines at 2 threads on the same shapes: benchmarks/pytorch/conv_gemm_bench.py and
#      benchmarks/pytorch/ops_bench.py, with Debian's torch at /usr/bin/python3. Install it with
#          apt-get install -y python3-torch python3-torchvision
#   4. the ratios: ours/PyTorch time for every shared case (below 1.0 = we are faster), and SGEMM 1024^3 as a % of
#      the FMA peak (MachinePeak: cores x SIMD lanes x FMA units x 2 x clock; VISIONCUDA_PEAK_GFLOPS overrides).
# Our Cpu backend uses all processors (2 on the CI machine), PyTorch 2 threads: compare on a 2-core machine, or set
# DOTNET_PROCESSOR_COUNT=2. The machine should be idle: both sides are timed one after the other, so a load change
# between them moves the ratio. --quick: fewer repetitions (a smoke run of the script, not figures to quote).
# Logs and the ratio table: BenchmarkDotNet.Artifacts/baselines/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quick=0
[ "${1:-}" = "--quick" ] && quick=1
out=BenchmarkDotNet.Artifacts/baselines
mkdir -p "$out"
PY=/usr/bin/python3
if ! $PY -c 'import torch' 2>/dev/null; then
  echo "PyTorch is missing: apt-get install -y python3-torch python3-torchvision" >&2
  exit 2
fi

echo "== machine"
{ lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket)'; echo "SIMD flags: $(grep -m1 -owE 'fma|avx2|avx512f' /proc/cpuinfo | tr '\n' ' ')"; } | tee "$out/machine.txt"
uptime | tee -a "$out/machine.txt"

echo "== build"
dotnet build benchmarks/VisionCuda.Benchmarks -c Release --nologo -v q
dotnet build src/VisionCuda.Cli -c Release --nologo -v q

echo "== 1. BenchmarkDotNet: conv fwd+bwd and SGEMM (short job)"
job=short
[ $quick = 1 ] && job=dry
dotnet benchmarks/VisionCuda.Benchmarks/bin/Release/net10.0/VisionCuda.Benchmarks.dll --job $job --inProcess \
  --artifacts "$out/bdn" --filter '*Conv2dBenchmarks.ForwardBackward' '*GemmBenchmarks.CpuSgemm' | tee "$out/bdn.log" | grep -E '^\|' || true

echo "== 2. visioncuda bench --size model"
runs=10
[ $quick = 1 ] && runs=3
dotnet src/VisionCuda.Cli/bin/Release/net10.0/visioncuda.dll bench --size model --runs $runs | tee "$out/ours.txt"

echo "== 3. PyTorch $($PY -c 'import torch; print(torch.__version__)') at 2 threads"
reps=10
[ $quick = 1 ] && reps=3
$PY benchmarks/pytorch/conv_gemm_bench.py | tee "$out/torch_conv_gemm.txt"
$PY benchmarks/pytorch/ops_bench.py --reps $reps | tee "$out/torch_ops.txt"

echo "== 4. ratios"
$PY - "$out" <<'EOF' | tee "$out/ratios.md"
import glob, json, re, sys
out = sys.argv[1]

ours = {}          # "op shape" -> (median ms, rate text)
peak = None
for line in open(f"{out}/ours.txt"):
    m = re.search(r"([0-9.]+) GFLOP/s fp32 peak", line)
    if m and line.startswith("peak:"):
        peak = float(m.group(1))
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 7 and cells[0] not in ("device",) and not cells[0].startswith("-"):
        if cells[3] != "-":
            ours[f"{cells[1]} {cells[2]}"] = (float(cells[3]), cells[4], cells[6])

torch_rows = {}
for line in open(f"{out}/torch_ops.txt"):
    if line.startswith("RESULT|"):
        _, op, shape, best, med, rate = line.strip().split("|")
        torch_rows[f"{op} {shape}"] = (float(med), rate)

bdn = {}
for path in glob.glob(f"{out}/bdn/results/*-report-full.json"):
    for b in json.load(open(path))["Benchmarks"]:
        if b.get("Statistics"):
            bdn[b["Method"]] = b["Statistics"]["Median"] / 1e6   # ns -> ms
conv_torch = sgemm_torch = None
for line in open(f"{out}/torch_conv_gemm.txt"):
    m = re.match(r"(.+?)\s+best\s+([0-9.]+) ms\s+median\s+([0-9.]+) ms", line)
    if m and m.group(1).strip() == "conv2d fwd+bwd (3 calls)":
        conv_torch = float(m.group(3))
    if m and m.group(1).strip() == "sgemm 1024^3":
        sgemm_torch = float(m.group(3))

print("| case | ours median ms | PyTorch median ms | ours/PyTorch | ours rate | check |")
print("|---|---:|---:|---:|---:|---|")
if "ForwardBackward" in bdn and conv_torch:
    print(f"| conv 8x64x56x56 k64 3x3 fwd+bwd (BenchmarkDotNet) | {bdn['ForwardBackward']:.2f} | {conv_torch:.2f} | "
          f"**{bdn['ForwardBackward'] / conv_torch:.2f}** | {3 * 2 * 8 * 64 * 56 * 56 * 64 * 9 / bdn['ForwardBackward'] / 1e6:.1f} GFLOP/s | - |")
if "CpuSgemm" in bdn and sgemm_torch:
    g = 2 * 1024 ** 3 / bdn["CpuSgemm"] / 1e6
    print(f"| SGEMM 1024^3 (BenchmarkDotNet) | {bdn['CpuSgemm']:.2f} | {sgemm_torch:.2f} | {bdn['CpuSgemm'] / sgemm_torch:.2f} | "
          f"{g:.1f} GFLOP/s | - |")
for key, (ms, rate, check) in ours.items():
    if key in torch_rows:
        t = torch_rows[key][0]
        print(f"| {key} | {ms:.3f} | {t:.3f} | {ms / t:.2f} | {rate} | {check.split(' (')[0]} |")
print()
if "CpuSgemm" in bdn and peak:
    g = 2 * 1024 ** 3 / bdn["CpuSgemm"] / 1e6
    print(f"SGEMM 1024^3: {g:.1f} GFLOP/s = {100 * g / peak:.1f}% of the {peak:.0f} GFLOP/s FMA peak (goal: 80%)")
if "ForwardBackward" in bdn and conv_torch:
    print(f"conv2d fwd+bwd batch 8 64->64 3x3 56x56: ours/PyTorch time ratio {bdn['ForwardBackward'] / conv_torch:.2f} (goal: below 1.0)")
missing = [k for k in ours if k not in torch_rows]
if missing:
    print("no PyTorch row for: " + ", ".join(missing))
EOF
echo "(ratios saved to $out/ratios.md)"
