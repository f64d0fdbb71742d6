"""Compiles models for --target=nvptx without a GPU: each to PTX (--emit=ptx) and to a
model library (--emit=lib), then assembles the PTX with ptxas for every --arch.

ptxas comes with the CUDA toolkit (/usr/local/cuda/bin/ptxas), which omc does not need;
where it is missing the assembly is reported SKIPPED (and the compile checks still run).

  nvptx_compile_test.py --compile PATH [--data-dir DIR CASE...] [--gpt2 CONFIG --models-dir DIR]
                        [--arch sm_80 --arch sm_90] [--ptxas PATH]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from host_targets import write_test_xml  # noqa: E402

DEFAULT_PTXAS = "/usr/local/cuda/bin/ptxas"


def run(command, what):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return f"{what}: exit {result.returncode}: " + (lines[-1] if lines else "(no output)")
    return None


def check_model(args, name, model, work, ptxas):
    """Returns (failures, skipped) lists of messages for one model."""
    failures, skipped = [], []
    ptx = os.path.join(work, name + ".ptx")
    library = os.path.join(work, name + ".so")
    for emit, output in (("ptx", ptx), ("lib", library)):
        problem = run([args.compile, "--target=nvptx", f"--emit={emit}", "-o", output, model],
                      f"{name}: compile --emit={emit}")
        if problem:
            failures.append(problem)
    if failures:
        return failures, skipped
    with open(ptx) as f:
        text = f.read()
    if ".entry" not in text:
        failures.append(f"{name}: the PTX has no kernel (.entry)")
    for arch in args.arch:
        if not ptxas:
            skipped.append(f"{name}: ptxas --gpu-name={arch}")
            continue
        problem = run([ptxas, f"--gpu-name={arch}", "-o", os.path.join(work, f"{name}.{arch}.cubin"),
                       ptx], f"{name}: ptxas --gpu-name={arch}")
        if problem:
            failures.append(problem)
    return failures, skipped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--data-dir")
    parser.add_argument("--gpt2", metavar="CONFIG")
    parser.add_argument("--models-dir", default="tools/models")
    parser.add_argument("--arch", action="append", default=[])
    parser.add_argument("--ptxas", default=DEFAULT_PTXAS)
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    args.arch = args.arch or ["sm_80", "sm_90"]
    ptxas = args.ptxas if os.access(args.ptxas, os.X_OK) else None
    if not ptxas:
        print(f"SKIPPED: ptxas not found at {args.ptxas} (the CUDA toolkit is not installed): "
              "PTX is compiled but not assembled")

    work = tempfile.mkdtemp(prefix="omc-nvptx-")
    results = []
    try:
        models = [(case, os.path.join(args.data_dir, case, "model.onnx")) for case in args.cases]
        if args.gpt2:
            model = os.path.join(work, f"gpt2-{args.gpt2}.onnx")
            problem = run([sys.executable, os.path.join(args.models_dir, "export_gpt2.py"),
                           "--config", args.gpt2, "-o", model], f"exporting gpt2-{args.gpt2}")
            if problem:
                print("FAIL", problem)
                return 1
            models.append((f"gpt2-{args.gpt2}", model))
        for name, model in models:
            failures, skipped = check_model(args, name, model, work, ptxas)
            results.append((name, failures, skipped))
            if failures:
                status = "FAIL"
            elif skipped:
                status = "COMPILED (ptxas SKIPPED)"
            else:
                status = "PASS (ptxas " + ", ".join(args.arch) + ")"
            print(f"{status} {name}")
            for message in failures:
                print("  " + message)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_test_xml("nvptx_compile", results)
    failed = sum(1 for _, failures, _ in results if failures)
    print(f"{len(results) - failed}/{len(results)} models compiled for nvptx"
          + ("" if ptxas else "; ptxas SKIPPED"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
