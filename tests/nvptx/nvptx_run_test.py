"""Runs nvptx model libraries through tools/run.

Without a CUDA driver (no libcuda.so.1, as on machines without an NVIDIA GPU) every run must
fail with exactly one clear error line naming the CUDA driver and a non-zero exit, after the
library compiled. With a driver, the cases run on the GPU and their outputs are compared with
the expected ones by tests/e2e/backend_cases_test.py.

  nvptx_run_test.py --compile PATH --run PATH --data-dir DIR --backend-cases PATH CASE...
"""
import argparse
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile


def has_cuda_driver():
    try:
        ctypes.CDLL("libcuda.so.1")
        return True
    except OSError:
        return False


def check_without_driver(args):
    work = tempfile.mkdtemp(prefix="omc-nvptx-run-")
    failed = 0
    try:
        for case in args.cases:
            folder = os.path.join(args.data_dir, case)
            library = os.path.join(work, case + ".so")
            compiled = subprocess.run([args.compile, "--target=nvptx", "-o", library,
                                       os.path.join(folder, "model.onnx")],
                                      capture_output=True, text=True)
            if compiled.returncode != 0:
                print(f"FAIL {case}: compile: {compiled.stderr.strip()}")
                failed += 1
                continue
            data = os.path.join(folder, "test_data_set_0")
            inputs = sorted(f for f in os.listdir(data) if f.startswith("input_"))
            command = [args.run, library, "--output-dir", work]
            for name in inputs:
                command += ["--input", os.path.join(data, name)]
            ran = subprocess.run(command, capture_output=True, text=True)
            lines = ran.stderr.strip().splitlines()
            problems = []
            if ran.returncode == 0:
                problems.append("run succeeded without a CUDA driver")
            if ran.returncode < 0:
                problems.append(f"run died of signal {-ran.returncode}")
            if len(lines) != 1:
                problems.append(f"{len(lines)} error lines, expected 1: {lines}")
            elif "CUDA driver" not in lines[0] or "libcuda.so.1" not in lines[0]:
                problems.append(f"the error does not name the CUDA driver: {lines[0]}")
            if problems:
                print(f"FAIL {case}: " + "; ".join(problems))
                failed += 1
            else:
                print(f"PASS {case}: {lines[0]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(args.cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--backend-cases", required=True, help="tests/e2e/backend_cases_test.py")
    parser.add_argument("cases", nargs="+")
    args = parser.parse_args()
    if has_cuda_driver():
        print("a CUDA driver is present: running the cases on the GPU")
        return subprocess.run([sys.executable, "-B", args.backend_cases, "--compile", args.compile,
                               "--run", args.run, "--data-dir", args.data_dir,
                               "--target", "nvptx"] + args.cases).returncode
    return check_without_driver(args)


if __name__ == "__main__":
    sys.exit(main())
