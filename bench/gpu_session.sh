#!/bin/bash
# On the GPU machine, from the checkout's root, with what bench/gpu_pack.sh put in PACK:
#   1. the conformance bundle runs (tests/nvptx/gpu_bundle.py's run_all.sh); its outputs and
#      log come back as OUT/conformance.tar.xz, for `gpu_bundle.py compare` here;
#   2. GPT-2 124M and ResNet-50 are drawn (tools/models/skeleton.py), compiled there for
#      --target=nvptx --cpu=CPU (default sm_90), and checked against onnxruntime
#      (bench/gpu_check.py: OUT/check.json);
#   3. then timed against PyTorch eager and onnxruntime (bench/gpu_speed.py: OUT/speed.json).
# Also OUT/gpu.txt and OUT/compile.log. Exits non-zero when a step fails or a model disagrees.
#
#   bash bench/gpu_session.sh .gpu "$OUT" [sm_90]
set -uo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: bash bench/gpu_session.sh PACK OUT [CPU]" >&2
  exit 2
fi
pack=$(cd "$1" && pwd) out=$2 cpu=${3:-sm_90}
export PYTHONUNBUFFERED=1
work=$(mktemp -d /tmp/omc-gpu-XXXX)
mkdir -p "$work/bin" "$out"
status=0
step() { echo "== $* ($(date -u +%H:%M:%S))"; }

# tar with xz, or Python's tarfile where the xz tool is missing.
untar_xz() {
  if command -v xz >/dev/null; then
    xz -dc "$1" | tar -C "$2" -xf -
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$1" "$2"
  fi
}
tar_xz() {
  if command -v xz >/dev/null; then
    tar -C "$1" -cf - . | xz -T0 -6 > "$2"
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[2], "w:xz").add(sys.argv[1], ".")' "$1" "$2"
  fi
}
# The compiler's libraries come from this machine's Debian, so only the compiler (and
# the ld.lld it runs) sees them: Python and the drivers keep their own.
omc_compile() {
  LD_LIBRARY_PATH="$work/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" PATH="$work/bin:$PATH" \
    "$work/bin/compile" "$@"
}

step unpacking
untar_xz "$pack/omc.tar.xz" "$work/bin" || exit 1
untar_xz "$pack/conformance.tar.xz" "$work" || exit 1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"

# The models compile (in the background, on the machine's other cores) while the
# conformance cases run.
for model in gpt2-124M resnet50; do
  mkdir -p "$work/models/$model"
  python3 tools/models/skeleton.py fill "$pack/$model.skeleton.onnx" \
    "$work/models/$model/model.onnx" || exit 1
  ( start=$SECONDS
    omc_compile --target=nvptx --cpu="$cpu" -v -o "$work/models/$model/model.so" \
      "$work/models/$model/model.onnx" > "$work/$model.compile.log" 2>&1
    code=$?
    echo "$model: compile exited $code after $((SECONDS - start)) s" ) &
done

step conformance
sh "$work/conformance/run_all.sh" "$work/conformance-out" || status=1
awk -F'\t' 'NR > 1 {n++; if ($3 != 0) bad++} END {print n " data sets ran, " bad + 0 " exited non-zero"}' \
  "$work/conformance-out/run_log.tsv"
tar_xz "$work/conformance-out" "$out/conformance.tar.xz"

step "waiting for the compiles"
wait
cat "$work"/*.compile.log > "$out/compile.log"
for model in gpt2-124M resnet50; do
  [ -f "$work/models/$model/model.so" ] || { echo "$model did not compile"; tail -3 "$work/$model.compile.log"; exit 1; }
done

step check
python3 bench/gpu_check.py --models "$work/models" --run "$work/bin/run" \
  --json "$out/check.json" || status=1
step speed
python3 bench/gpu_speed.py --models "$work/models" --run "$work/bin/run" --runs 5 \
  --json "$out/speed.json" || status=1
exit $status
