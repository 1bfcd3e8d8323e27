#!/bin/sh
# The real-GPU benchmark from gpu-bundle/ (built by `npm run gpu-bundle`), on a bare x86-64 Linux machine
# with an NVIDIA GPU and its driver: no browser, no network, no Node needed.
#
#   sh gpu-bundle/run.sh [harness options]     e.g. --models tl-gpt --runs 5 --bandwidth 3350
#   sh gpu-bundle/run.sh --unpack-only         unpacks what this copy holds, and stops
#
# Unpacks into $TL_GPU_UNPACK (default: gpu-bundle.unpacked/ beside the bundle), once; a later call
# reuses what is there, so the bundle may also arrive in parts (node.xz first, app/ after).
# Writes gpu-bench.json in the current folder unless --json says where. Exit: 0 done, 1 greedy
# tokens differ, 2 no WebGPU adapter, 3 a failed run, 4 the bundle is incomplete or cannot be unpacked.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
unpack=${TL_GPU_UNPACK:-$here.unpacked}

unxz() { # $1 → $2
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2.partial"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2.partial"
  else echo "run.sh: cannot unpack $1: neither xz nor python3 is installed" >&2; exit 4
  fi
  mv "$2.partial" "$2"
}

mkdir -p "$unpack"
cd "$here"
find . -type f ! -name run.sh | while read -r file; do
  file=${file#./}
  case $file in
    *.xz) target=$unpack/${file%.xz} ;;
    *) target=$unpack/$file ;;
  esac
  # Unpacked already from the same bundle file: kept.
  [ -e "$target" ] && [ ! "$file" -nt "$target" ] && continue
  mkdir -p "$(dirname "$target")"
  case $file in
    *.xz) unxz "$file" "$target" ;;
    *) cp "$file" "$target" ;;
  esac
done
cd - >/dev/null
[ -f "$unpack/node" ] && chmod +x "$unpack/node"
[ "${1:-}" = --unpack-only ] && exit 0
for part in node app/harness.mjs app/dawn.node app/vulkan/libvulkan.so.1; do
  [ -f "$unpack/$part" ] || { echo "run.sh: $unpack/$part is missing: copy the whole gpu-bundle/ (or its missing part) and run again" >&2; exit 4; }
done

# Dawn opens libvulkan.so.1: the bundled loader unless the machine has one.
export LD_LIBRARY_PATH="$unpack/app/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The loader finds the NVIDIA driver through its ICD manifest; where none is in the usual folders
# (containers that mount the driver elsewhere), point it at the driver's own.
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1 && [ -f "$nvidia_icd" ]; then
  export VK_DRIVER_FILES="$nvidia_icd"
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
exec "$unpack/node" "$unpack/app/harness.mjs" --json gpu-bench.json --models-dir "$unpack/app/models" --dawn "$unpack/app/dawn.node" "$@"
