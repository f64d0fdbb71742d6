"""The nvptx conformance suite and GPT-2 tiny on a GPU machine, in three steps, so that the
machine with the GPU needs neither the compiler nor the test data's tools:

  1. here (no GPU):  gpu_bundle.py prepare --compile C --run R --data-root D --bundle B
                     [--suite node ...] [--gpt2 tiny --models-dir tools/models]
     compiles every case of the suites for --target=nvptx into B/cases/SUITE/CASE/model.so,
     copies each data set's inputs, exports and compiles GPT-2 with a token input, and puts
     tools/run with the non-system libraries it needs in B/bin. Cases that do not compile
     are listed in B/compile_failures.txt.
  2. on the GPU:     sh B/run_all.sh OUT [JOBS]
     runs every library on its inputs, writing OUT/outputs/... and OUT/run_log.tsv, and the
     GPU's name in OUT/gpu.txt (needs only sh, the driver and libstdc++).
  3. here again:     gpu_bundle.py compare --bundle B --outputs OUT --data-root D
                     --results tests/nvptx/gpu_results.txt [--onnxruntime DIR]
     compares the outputs with the expected ones (ONNX tolerances as in the conformance
     runner) and GPT-2's with onnxruntime-node's, and writes the counts with the date and GPU.
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))


def numbered(folder, prefix):
    names = [f for f in os.listdir(folder) if f.startswith(prefix) and f.endswith(".pb")]
    return sorted(names, key=lambda f: int(f[len(prefix):-3]))


def copy_runner(run, bin_dir):
    """tools/run and the libraries ldd finds outside the C/C++ runtime."""
    os.makedirs(bin_dir, exist_ok=True)
    shutil.copy2(run, os.path.join(bin_dir, "run"))
    system = ("libc.so", "libm.so", "libstdc++", "libgcc_s", "ld-linux", "linux-vdso", "libdl",
              "libpthread", "librt")
    for line in subprocess.run(["ldd", run], capture_output=True, text=True).stdout.splitlines():
        parts = line.split("=>")
        if len(parts) != 2 or parts[1].split()[0] == "not":
            continue
        name, path = parts[0].strip(), parts[1].split()[0]
        if not name.startswith(system):
            shutil.copy2(path, os.path.join(bin_dir, name))


def prepare(args):
    bundle = os.path.abspath(args.bundle)
    os.makedirs(bundle, exist_ok=True)
    copy_runner(args.run, os.path.join(bundle, "bin"))
    failures, compiled = [], 0
    for suite in args.suite:
        root = os.path.join(args.data_root, suite)
        for case in sorted(os.listdir(root)):
            model = os.path.join(root, case, "model.onnx")
            if not os.path.isfile(model):
                continue
            target = os.path.join(bundle, "cases", suite, case)
            os.makedirs(target, exist_ok=True)
            result = subprocess.run([args.compile, "--target=nvptx", "-o",
                                     os.path.join(target, "model.so"), model],
                                    capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                lines = result.stderr.strip().splitlines()
                failures.append(f"{suite}/{case}\t{lines[-1] if lines else 'exit %d' % result.returncode}")
                shutil.rmtree(target)
                continue
            compiled += 1
            for data in sorted(os.listdir(os.path.join(root, case))):
                source = os.path.join(root, case, data)
                if data.startswith("test_data_set_") and os.path.isdir(source):
                    os.makedirs(os.path.join(target, data), exist_ok=True)
                    for name in numbered(source, "input_"):
                        shutil.copy2(os.path.join(source, name), os.path.join(target, data, name))
    if args.gpt2:
        import numpy as np
        from onnx import numpy_helper
        target = os.path.join(bundle, "cases", "models", f"gpt2-{args.gpt2}")
        os.makedirs(os.path.join(target, "test_data_set_0"), exist_ok=True)
        model = os.path.join(target, "model.onnx")
        subprocess.run([sys.executable, os.path.join(args.models_dir, "export_gpt2.py"),
                        "--config", args.gpt2, "-o", model], check=True, capture_output=True)
        result = subprocess.run([args.compile, "--target=nvptx", "-o",
                                 os.path.join(target, "model.so"), model],
                                capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"models/gpt2-{args.gpt2}\t{result.stderr.strip()}")
        else:
            compiled += 1
            tokens = np.random.default_rng(0).integers(0, 256, size=(1, 32), dtype=np.int64)
            with open(os.path.join(target, "test_data_set_0", "input_0.pb"), "wb") as f:
                f.write(numpy_helper.from_array(tokens, name="input_ids").SerializeToString())
    with open(os.path.join(bundle, "compile_failures.txt"), "w") as f:
        f.write("".join(line + "\n" for line in failures))
    for name, text in (("run_all.sh", RUN_ALL), ("run_one.sh", RUN_ONE)):
        with open(os.path.join(bundle, name), "w") as f:
            f.write(text)
    print(f"prepared {compiled} libraries in {bundle}; {len(failures)} did not compile")


# Step 2, on the GPU machine: plain sh, so that it needs nothing installed.
RUN_ALL = r"""#!/bin/sh
# Runs every case of this bundle (see tests/nvptx/gpu_bundle.py), JOBS at a time (default:
# the machine's cores; each process loads the driver and its PTX): sh run_all.sh OUT [JOBS]
set -u
bundle=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:?usage: run_all.sh OUT [JOBS]}" && cd "$1" && pwd)
jobs=${2:-$(nproc 2>/dev/null || echo 4)}
mkdir -p "$out/outputs"
export LD_LIBRARY_PATH="$bundle/bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/gpu.txt" 2>&1
printf 'case\tdata_set\texit\tseconds\terror\n' > "$out/run_log.tsv"
cd "$bundle/cases"
ls -d */*/test_data_set_* | xargs -P "$jobs" -n 1 sh "$bundle/run_one.sh" "$out"
echo "ran $(($(wc -l < "$out/run_log.tsv") - 1)) data sets; log in $out/run_log.tsv"
"""

# One data set of one case (run from cases/): sh run_one.sh OUT SUITE/CASE/test_data_set_N.
# Its log line is one short append, which concurrent runs do not interleave.
RUN_ONE = r"""#!/bin/sh
set -u
bundle=$(cd "$(dirname "$0")" && pwd)
out=$1 data=$2
case_dir=$(dirname "$data")
set --
for input in $(ls "$data" | grep '^input_' | sort -t_ -k2 -n); do
  set -- "$@" --input "$data/$input"
done
target="$out/outputs/$data"
mkdir -p "$target"
start=$(date +%s.%N)
timeout 120 "$bundle/bin/run" "$case_dir/model.so" "$@" --output-dir "$target" 2> "$target/stderr.txt"
status=$?
end=$(date +%s.%N)
printf '%s\t%s\t%s\t%s\t%s\n' "$case_dir" "$(basename "$data")" "$status" \
  "$(echo "$end - $start" | awk '{print $1 - $3}')" "$(head -c 300 "$target/stderr.txt" | tr '\t\n' '  ')" \
  >> "$out/run_log.tsv"
"""


def compare(args):
    import onnx_outputs
    bundle = os.path.abspath(args.bundle)
    passed, failed, lines = [], [], []
    log = {}
    with open(os.path.join(args.outputs, "run_log.tsv")) as f:
        for row in f.read().splitlines()[1:]:
            fields = row.split("\t")
            log[(fields[0], fields[1])] = fields
    for (case, data), fields in sorted(log.items()):
        suite, name = case.split("/", 1)
        key = f"{case}/{data}"
        if fields[2] != "0":
            failed.append(f"{key}\trun exit {fields[2]}: {fields[4]}")
            continue
        out_dir = os.path.join(args.outputs, "outputs", case, data)
        try:
            if suite == "models":
                node = ["node", os.path.join(args.models_dir, "check_with_onnxruntime.js"),
                        os.path.join(bundle, "cases", case, "model.onnx"),
                        "--input", os.path.join(bundle, "cases", case, data, "input_0.pb")]
                for output in numbered(out_dir, "output_"):
                    node += ["--expected", os.path.join(out_dir, output)]
                env = dict(os.environ, NODE_PATH=args.onnxruntime)
                result = subprocess.run(node, capture_output=True, text=True, env=env)
                if result.returncode != 0:
                    raise onnx_outputs.CheckFailure(result.stdout.strip().splitlines()[-1:]
                                                    or result.stderr.strip())
            else:
                expected_dir = os.path.join(args.data_root, suite, name, data)
                expected = numbered(expected_dir, "output_")
                actual = numbered(out_dir, "output_")
                if len(actual) != len(expected):
                    raise onnx_outputs.CheckFailure(f"{len(actual)} outputs, expected {len(expected)}")
                for output in expected:
                    onnx_outputs.compare(output, onnx_outputs.load_tensor(os.path.join(out_dir, output)),
                                         onnx_outputs.load_tensor(os.path.join(expected_dir, output)))
            passed.append(key)
        except onnx_outputs.CheckFailure as e:
            failed.append(f"{key}\t{e}")
    with open(os.path.join(bundle, "compile_failures.txt")) as f:
        not_compiled = [line for line in f.read().splitlines() if line]
    gpu = open(os.path.join(args.outputs, "gpu.txt")).read().strip()
    with open(args.results, "w") as f:
        f.write(f"# nvptx on a GPU: {datetime.date.today().isoformat()}, {gpu}\n")
        f.write(f"# data sets passed: {len(passed)}, failed: {len(failed)}; "
                f"cases that did not compile: {len(not_compiled)}\n")
        for line in failed:
            f.write(f"FAIL\t{line}\n")
        for line in not_compiled:
            f.write(f"NOT COMPILED\t{line}\n")
        for line in passed:
            f.write(f"PASS\t{line}\n")
    print(f"{len(passed)} passed, {len(failed)} failed, {len(not_compiled)} not compiled; "
          f"results in {args.results}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--compile", required=True)
    p.add_argument("--run", required=True)
    p.add_argument("--data-root", required=True)
    p.add_argument("--bundle", required=True)
    p.add_argument("--suite", action="append", default=[])
    p.add_argument("--gpt2", metavar="CONFIG")
    p.add_argument("--models-dir", default="tools/models")
    c = sub.add_parser("compare")
    c.add_argument("--bundle", required=True)
    c.add_argument("--outputs", required=True)
    c.add_argument("--data-root", required=True)
    c.add_argument("--results", required=True)
    c.add_argument("--models-dir", default="tools/models")
    c.add_argument("--onnxruntime", default=".deps/onnxruntime/node_modules")
    args = parser.parse_args()
    if args.step == "prepare":
        args.suite = args.suite or ["node"]
        prepare(args)
    else:
        compare(args)


if __name__ == "__main__":
    main()
