#!/bin/bash
# Packs what bench/gpu_session.sh needs on the GPU machine into DEST, within the 64 MiB that
# travel there with the checkout:
#   omc.tar.xz          the compiler, ld.lld (it links the model's host code) and the runner,
#                       with the libraries they load from outside the C/C++ runtime;
#   conformance.tar.xz  tests/nvptx/gpu_bundle.py's bundle: the ONNX node cases and GPT-2
#                       tiny compiled for nvptx, with their inputs;
#   *.skeleton.onnx     GPT-2 124M and ResNet-50 without their large weights
#                       (tools/models/skeleton.py; drawn again there).
# Build //tools:compile and //tools:run first. DEST is a folder of the checkout that git
# ignores (.gpu is in .gitignore), named in the device call's carry.
#
#   bash bench/gpu_pack.sh .gpu
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: bash bench/gpu_pack.sh DEST" >&2
  exit 2
fi
dest=$1
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bazel-bin/tools
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for tool in compile run; do
  if [ ! -x "$bin/$tool" ]; then
    echo "gpu_pack.sh: error: $bin/$tool is missing: bazel build //tools:compile //tools:run" >&2
    exit 1
  fi
done
mkdir -p "$dest"

# The tools, and every library ldd finds for them but the C/C++ runtime's own.
linker=$(command -v ld.lld-22 || command -v ld.lld || echo /usr/lib/llvm-22/bin/ld.lld)
tools=$stage/tools
mkdir -p "$tools"
cp -L "$bin/compile" "$bin/run" "$tools/"
cp -L "$linker" "$tools/ld.lld"
for tool in compile run ld.lld; do
  ldd "$tools/$tool" | awk '$2 == "=>" && $3 ~ /^\// && $1 !~ /^(libc|libm|libstdc\+\+|libgcc_s|libdl|libpthread|librt)\.so/ {print $3}' |
    while read -r lib; do cp -L -n "$lib" "$tools/"; done
done
# Two of LLVM's libraries are loaded but never used by the compiler: Z3 (the static
# analyzer's solver) and ICU's data (libxml2's encodings, for Windows manifests). They are
# 15 of the ~65 MB that xz leaves; stand-ins with their sonames (and ICU's one data symbol)
# take their place. The PTX of a model is byte for byte the same with them.
for lib in "$tools"/libz3.so.* "$tools"/libicudata.so.*; do
  [ -e "$lib" ] || continue
  name=$(basename "$lib")
  version=${name##*.so.}
  symbols=/dev/null
  case $name in libicudata*) echo "const char icudt${version%%.*}_dat[16];" > "$stage/icu.c"; symbols=$stage/icu.c ;; esac
  gcc -shared -x c "$symbols" -o "$lib" -Wl,-soname,"$name"
done
echo "packing $(ls "$tools" | wc -l) files ($(du -sm "$tools" | cut -f1) MB) with xz -9e"
start=$SECONDS
tar -C "$tools" -cf - . | xz -T0 -9e > "$dest/omc.tar.xz"
echo "  $dest/omc.tar.xz: $(du -m "$dest/omc.tar.xz" | cut -f1) MB in $((SECONDS - start)) s"

# The conformance bundle.
data_root=/usr/share/libonnx-testdata/data   # WORKSPACE's @onnx_testdata
/usr/bin/python3 "$root/tests/nvptx/gpu_bundle.py" prepare --compile "$bin/compile" \
  --run "$bin/run" --data-root "$data_root" --bundle "$stage/conformance" --suite node \
  --gpt2 tiny --models-dir "$root/tools/models"
tar -C "$stage" -cf - conformance | xz -T0 -9 > "$dest/conformance.tar.xz"
echo "  $dest/conformance.tar.xz: $(du -m "$dest/conformance.tar.xz" | cut -f1) MB"

# The models, exported here (random weights from a fixed seed), then stripped.
models=$stage/models
mkdir -p "$models"
/usr/bin/python3 "$root/tools/models/export_gpt2.py" --config 124M -o "$models/gpt2-124M.onnx" >/dev/null
/usr/bin/python3 "$root/tools/models/export_torchvision.py" --model resnet50 \
  -o "$models/resnet50.onnx" >/dev/null
for model in gpt2-124M resnet50; do
  /usr/bin/python3 "$root/tools/models/skeleton.py" strip "$models/$model.onnx" \
    "$dest/$model.skeleton.onnx"
done
echo "$dest: $(du -sm "$dest" | cut -f1) MB in all"
