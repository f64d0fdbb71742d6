#!/usr/bin/env bash
# tools/setup.sh: installs everything omc needs on a fresh Debian 12 (bookworm) machine, as root.
#
#   tools/setup.sh        # then: bazel test //...
#
# 1. Debian packages, pinned to exact versions (see PINNED below). When every one of them is
#    already installed at its pinned version, apt is not called at all, so reruns take a second.
# 2. onnxruntime-node from npm (the reference for correctness checks and the peer for speed) into
#    .deps/onnxruntime/ at the repository root (ignored by git), skipped when already there.
#
# Non-interactive and idempotent: run it as often as you like.
set -euo pipefail

readonly ORT_VERSION=1.30.0

# Exact versions, as `apt-cache policy` gave them as candidates on Debian 12 (bookworm and
# bookworm-security). Change a pin here and rerun to move to another version.
readonly PINNED=(
  # Bazel 4.2.3 and the rule sets WORKSPACE points at.
  bazel-bootstrap=4.2.3+ds-9
  bazel-platforms=0.0.2-2
  bazel-rules-cc=0.0.4-2
  bazel-rules-java=4.0.0-2
  bazel-skylib=1.0.3-2
  # LLVM/MLIR 22: third_party/llvm/ is an overlay over /usr/lib/llvm-22; llvm-22-tools has FileCheck.
  clang-22=1:22.1.8-1~deb12u1
  # libFuzzer (and the sanitizer runtimes) for tests/fuzz/build_fuzzers.sh.
  libclang-rt-22-dev=1:22.1.8-1~deb12u1
  # tests/hostile/runtime_leak_test.sh runs GPT-2 tiny under valgrind's memcheck.
  valgrind=1:3.19.0-1
  lld-22=1:22.1.8-1~deb12u1
  llvm-22=1:22.1.8-1~deb12u1
  llvm-22-dev=1:22.1.8-1~deb12u1
  llvm-22-tools=1:22.1.8-1~deb12u1
  libmlir-22-dev=1:22.1.8-1~deb12u1
  mlir-22-tools=1:22.1.8-1~deb12u1
  # ONNX, Protobuf, abseil, GoogleTest: overlays under third_party/.
  libonnx-dev=1.12.0-2+b4
  libonnx-testdata=1.12.0-2
  libprotobuf-dev=3.21.12-3+deb12u1
  protobuf-compiler=3.21.12-3+deb12u1
  libabsl-dev=20220623.1-1+deb12u2
  libgtest-dev=1.12.1-0.2
  libgmock-dev=1.12.1-0.2
  # Python (under /usr/bin/python3): tests, model export, the runtime's Python front end.
  python3-onnx=1.12.0-2+b4
  python3-numpy=1:1.24.2-1+deb12u1
  python3-torch=1.13.1+dfsg-4
  python3-torchvision=0.14.1-2
  pybind11-dev=2.10.3-1
  python3-dev=3.11.2-1+b1
  # bench/compare.py's plot.
  python3-matplotlib=3.6.3-1+b1
  # The aarch64-neon target: Debian's AArch64 cross compiler and glibc for
  # //third_party/aarch64_toolchain (`--config=aarch64`), and qemu-aarch64 to run the results.
  g++-aarch64-linux-gnu=4:12.2.0-3
  g++-12-aarch64-linux-gnu=12.2.0-14cross1
  libc6-dev-arm64-cross=2.36-8cross1
  qemu-user=1:7.2+dfsg-7+deb12u18+b3
)

# Unpinned: the host C++ toolchain Bazel's autoconfigured cc toolchain uses.
UNPINNED=(g++)

# Node.js and npm only fetch onnxruntime-node below. Many machines already have a Node.js of their
# own (NodeSource's `nodejs`, which bundles npm, or one on PATH from nvm); installing Debian's
# `nodejs npm` over NodeSource's `nodejs` would conflict with it, so Debian's packages are
# installed only when a command is missing, and unpinned: any Node.js >= 12 loads the binding
# (N-API v6), and its version does not change what the tests check.
command -v node >/dev/null 2>&1 || UNPINNED+=(nodejs)
command -v npm >/dev/null 2>&1 || UNPINNED+=(npm)

START=$SECONDS
log() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }
elapsed() { echo "$((SECONDS - START))s"; }

# ---------------------------------------------------------------------------------------------
# Preconditions.
[[ $(id -u) -eq 0 ]] || die "must be run as root (apt-get installs system packages); try: sudo $0"
[[ -r /etc/os-release ]] || die "cannot read /etc/os-release; omc's setup supports Debian 12 (bookworm) only"
# shellcheck source=/dev/null
os_id=$(. /etc/os-release && echo "${ID:-}")
# shellcheck source=/dev/null
os_version=$(. /etc/os-release && echo "${VERSION_ID:-}")
# shellcheck source=/dev/null
os_name=$(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")
[[ $os_id == debian && $os_version == 12 ]] ||
  die "omc's setup supports Debian 12 (bookworm) only; this machine runs: $os_name"
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found; is this really Debian?"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log "repository: $ROOT"

# ---------------------------------------------------------------------------------------------
# 1. Debian packages.
export DEBIAN_FRONTEND=noninteractive

# installed_version PKG: the installed version of PKG, or nothing when it is not installed.
installed_version() {
  local out
  out=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null) || return 0
  [[ $out == installed\ * ]] && echo "${out#installed }"
  return 0
}

missing=()
for spec in "${PINNED[@]}"; do
  pkg=${spec%%=*}
  want=${spec#*=}
  have=$(installed_version "$pkg")
  if [[ $have != "$want" ]]; then
    missing+=("$spec")
    log "needs $pkg=$want (installed: ${have:-none})"
  fi
done
for pkg in "${UNPINNED[@]}"; do
  if [[ -z $(installed_version "$pkg") ]]; then
    missing+=("$pkg")
    log "needs $pkg (not installed)"
  fi
done

if ((${#missing[@]} == 0)); then
  log "all ${#PINNED[@]} pinned Debian packages and ${UNPINNED[*]} already installed; skipping apt"
else
  log "apt-get update"
  apt-get update -q || die "apt-get update failed (is the Debian archive reachable?)"
  log "apt-get install ${#missing[@]} package(s)"
  # --allow-downgrades: a pin is exact, also when a newer version happens to be installed.
  apt-get install -y -q --no-install-recommends --allow-downgrades \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" ||
    die "apt-get install failed; if a pinned version is no longer in the archive, \`apt-cache policy PKG\` shows the candidate to pin instead"
  # Check that apt did what was asked.
  for spec in "${PINNED[@]}"; do
    pkg=${spec%%=*}
    want=${spec#*=}
    have=$(installed_version "$pkg")
    [[ $have == "$want" ]] || die "$pkg is at '${have:-none}' after apt-get install, wanted $want"
  done
  log "Debian packages installed ($(elapsed))"
fi

command -v node >/dev/null 2>&1 || die "node not found after installing nodejs"
command -v npm >/dev/null 2>&1 || die "npm not found after installing npm"

# ---------------------------------------------------------------------------------------------
# 2. onnxruntime-node from npm, into .deps/onnxruntime/ (ignored by git).
#
# --ignore-scripts skips the package's postinstall (script/install.js). On linux/x64 that script
# only downloads the CUDA and TensorRT execution providers from NuGet, which are too large for the
# npm registry and unreachable offline; the CPU binding (onnxruntime_binding.node) and
# libonnxruntime.so.1 ship inside the npm package under bin/napi-v6/linux/x64/, and the binding
# finds the library through its own $ORIGIN rpath. So nothing is lost for CPU inference.
ORT_PREFIX=$ROOT/.deps/onnxruntime
ORT_PKG=$ORT_PREFIX/node_modules/onnxruntime-node
ORT_BIN=$ORT_PKG/bin/napi-v6/linux/x64

ort_installed_version() {
  [[ -f $ORT_PKG/package.json ]] || return 0
  node -p "require(process.argv[1]).version" "$ORT_PKG/package.json" 2>/dev/null || true
}

have_ort=$(ort_installed_version)
if [[ $have_ort == "$ORT_VERSION" && -f $ORT_BIN/onnxruntime_binding.node ]]; then
  log "onnxruntime-node@$ORT_VERSION already in ${ORT_PREFIX#"$ROOT"/}; skipping npm"
else
  log "npm install onnxruntime-node@$ORT_VERSION into ${ORT_PREFIX#"$ROOT"/} (installed: ${have_ort:-none})"
  mkdir -p "$ORT_PREFIX"
  if [[ ! -f $ORT_PREFIX/package.json ]]; then
    cat >"$ORT_PREFIX/package.json" <<'EOF'
{
  "name": "omc-deps-onnxruntime",
  "description": "onnxruntime-node for omc's reference checks and benchmarks; written by tools/setup.sh",
  "private": true
}
EOF
  fi
  npm install --prefix "$ORT_PREFIX" --ignore-scripts --no-audit --no-fund --save-exact \
    --loglevel=error "onnxruntime-node@$ORT_VERSION"
  have_ort=$(ort_installed_version)
  [[ $have_ort == "$ORT_VERSION" ]] ||
    die "npm left onnxruntime-node at '${have_ort:-none}' in $ORT_PREFIX, wanted $ORT_VERSION"
  log "onnxruntime-node installed ($(elapsed))"
fi

# Check that the Linux x64 CPU binding is there and loads, and that it runs a model.
[[ -f $ORT_BIN/onnxruntime_binding.node ]] || die "missing $ORT_BIN/onnxruntime_binding.node"
compgen -G "$ORT_BIN/libonnxruntime.so*" >/dev/null || die "missing $ORT_BIN/libonnxruntime.so*"
ORT_SMOKE_MODEL=/usr/share/libonnx-testdata/data/node/test_add/model.onnx
node - "$ORT_PKG" "$ORT_SMOKE_MODEL" <<'EOF' || die "onnxruntime-node does not load or run (see above); remove .deps/onnxruntime and rerun"
const [pkg, model] = process.argv.slice(2);
const ort = require(pkg);
if (!ort.listSupportedBackends().some((b) => b.name === 'cpu' && b.bundled)) {
  throw new Error('onnxruntime-node has no bundled cpu backend');
}
(async () => {
  const session = await ort.InferenceSession.create(model);
  const one = new ort.Tensor('float32', new Float32Array(60).fill(1), [3, 4, 5]);
  const out = await session.run({ x: one, y: one });
  if (out.sum.data[0] !== 2) throw new Error(`test_add gave ${out.sum.data[0]}, wanted 2`);
  console.log(`setup: onnxruntime-node ${ort.env.versions.node} loads and runs test_add on cpu`);
})().catch((e) => { console.error(`setup: ${e.stack || e}`); process.exit(1); });
EOF

log "done in $(elapsed)"
