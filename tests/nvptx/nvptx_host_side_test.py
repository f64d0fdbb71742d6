"""The host side of an nvptx model, run against a stand-in CUDA driver (fake_cuda_driver.cc,
which runs no kernel but counts what the model asks of the driver), on any machine.

A model of MatMul, Add and Relu with its weights as initializers, run 4 times in one process
(tools/run --repeat 3 runs once more to warm up), must:
  - copy its weights to the device once, and its input in and its output out on every run;
  - keep every buffer in device memory (only kernels touch them);
  - free every device buffer, the weights' copies included, by the time the process exits.
With the kernel launch failing, the run must fail with one error line that names the call and
the driver's error, and still free everything.

With --suite DIR, every case of an ONNX backend test suite that compiles for nvptx runs once
(its outputs are not checked: no kernel runs). None may die of a signal (the stand-in's device
memory is closed to the host, so host code touching a device buffer dies of SIGSEGV) or leave
a block allocated; a run that fails must say why in one line.

  nvptx_host_side_test.py --compile PATH --run PATH --fake-driver PATH/libcuda.so.1 [--suite DIR]
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROWS, DEPTH, COLS = 8, 64, 48


def make_model(path):
    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.standard_normal((DEPTH, COLS)).astype(np.float32), "W")
    bias = numpy_helper.from_array(rng.standard_normal(COLS).astype(np.float32), "b")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"]),
         helper.make_node("Add", ["xw", "b"], ["sum"]),
         helper.make_node("Relu", ["sum"], ["y"])],
        "dense",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, DEPTH])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, COLS])],
        [weight, bias])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return (DEPTH * COLS + COLS) * 4


def read_report(path):
    with open(path) as report:
        return {name: int(value) for name, value in (line.split() for line in report)}


def run(args, work, library, inputs, extra_env=None, repeat=0):
    """tools/run on `library` against the stand-in driver: (the process, its counts or None)."""
    report = os.path.join(work, "report.txt")
    if os.path.exists(report):
        os.remove(report)
    env = dict(os.environ, LD_LIBRARY_PATH=os.path.dirname(os.path.abspath(args.fake_driver)),
               OMC_FAKE_CUDA_REPORT=report, **(extra_env or {}))
    command = [args.run, library, "--output-dir", work]
    for name in inputs:
        command += ["--input", name]
    if repeat:
        command += ["--repeat", str(repeat)]
    ran = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    counts = read_report(report) if os.path.exists(report) else None
    return ran, counts


def expect(problems, what, actual, wanted):
    if actual != wanted:
        problems.append(f"{what}: {actual}, expected {wanted}")


def run_case(args, folder):
    """One backend test case: None when it does not compile for nvptx, else the problems."""
    work = tempfile.mkdtemp(prefix="omc-nvptx-case-")
    try:
        library = os.path.join(work, "model.so")
        compiled = subprocess.run([args.compile, "--target=nvptx", "-o", library,
                                   os.path.join(folder, "model.onnx")],
                                  capture_output=True, text=True, timeout=600)
        if compiled.returncode != 0:
            return None
        data = os.path.join(folder, "test_data_set_0")
        names = [f for f in os.listdir(data) if f.startswith("input_")] if os.path.isdir(data) else []
        inputs = [os.path.join(data, f) for f in sorted(names, key=lambda f: int(f[6:-3]))]
        ran, counts = run(args, work, library, inputs)
        lines = ran.stderr.strip().splitlines()
        problems = []
        if ran.returncode < 0:
            problems.append(f"died of signal {-ran.returncode}")
        elif ran.returncode != 0 and len(lines) != 1:
            problems.append(f"failed with {len(lines)} error lines: {lines[-3:]}")
        if counts is None or counts["blocks_not_freed"] != 0:
            problems.append(f"blocks left allocated: {counts}")
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_suite(args):
    cases = sorted(c for c in os.listdir(args.suite)
                   if os.path.isfile(os.path.join(args.suite, c, "model.onnx")))
    known = set()
    if args.not_compiling:
        with open(args.not_compiling) as f:
            known = {line.split("\t")[0] for line in f if line.strip() and not line.startswith("#")}
    ran = not_compiled = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = pool.map(lambda case: run_case(args, os.path.join(args.suite, case)), cases)
        for case, problems in zip(cases, results):
            if problems is None:
                not_compiled += 1
                if args.not_compiling and case not in known:
                    failed += 1
                    print(f"FAIL {case}: does not compile for nvptx, and is not listed in "
                          f"{os.path.basename(args.not_compiling)}")
                continue
            if case in known:
                failed += 1
                print(f"FAIL {case}: compiles now: delete its line in "
                      f"{os.path.basename(args.not_compiling)}")
            ran += 1
            if problems:
                failed += 1
                print(f"FAIL {case}: " + "; ".join(problems))
    print(f"{ran} cases ran against the stand-in driver, {failed} failed; "
          f"{not_compiled} do not compile for nvptx")
    return 1 if failed or not ran else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--fake-driver", required=True)
    parser.add_argument("--suite", help="an ONNX backend test suite's folder of cases")
    parser.add_argument("--not-compiling", metavar="FILE",
                        help="with --suite: the cases expected not to compile (case<TAB>why)")
    args = parser.parse_args()
    if os.path.basename(args.fake_driver) != "libcuda.so.1":
        sys.exit(f"--fake-driver must be named libcuda.so.1, not {args.fake_driver}")
    if args.suite:
        return check_suite(args)

    work = tempfile.mkdtemp(prefix="omc-nvptx-host-")
    failed = 0
    try:
        weight_bytes = make_model(os.path.join(work, "dense.onnx"))
        np.save(os.path.join(work, "x.npy"), np.ones((ROWS, DEPTH), np.float32))
        library = os.path.join(work, "dense.so")
        compiled = subprocess.run([args.compile, "--target=nvptx", "-o", library,
                                   os.path.join(work, "dense.onnx")], capture_output=True, text=True)
        if compiled.returncode != 0:
            print(f"FAIL compile: {compiled.stderr.strip()}")
            return 1

        runs = 4
        x = [os.path.join(work, "x.npy")]
        ran, counts = run(args, work, library, x, repeat=runs - 1)
        problems = []
        if ran.returncode != 0 or counts is None:
            problems.append(f"exit {ran.returncode}: {ran.stderr.strip()}")
        else:
            input_bytes, output_bytes = ROWS * DEPTH * 4, ROWS * COLS * 4
            expect(problems, "bytes copied to the device", counts["host_to_device_bytes"],
                   weight_bytes + runs * input_bytes)
            expect(problems, "bytes copied from the device", counts["device_to_host_bytes"],
                   runs * output_bytes)
            expect(problems, "managed allocations", counts["managed_allocations"], 0)
            expect(problems, "blocks not freed at exit", counts["blocks_not_freed"], 0)
            expect(problems, "PTX modules loaded", counts["modules_loaded"], 1)
            if counts["launches"] < runs or counts["launches"] % runs:
                problems.append(f"{counts['launches']} launches in {runs} runs")
        print(("FAIL" if problems else "PASS") + f" {runs} runs: " +
              ("; ".join(problems) if problems else str(counts)))
        failed += bool(problems)

        ran, counts = run(args, work, library, x, {"OMC_FAKE_CUDA_FAIL": "cuLaunchKernel"})
        lines = ran.stderr.strip().splitlines()
        problems = []
        if ran.returncode <= 0:
            problems.append(f"exit {ran.returncode}, expected a failure")
        if len(lines) != 1 or "cuLaunchKernel" not in lines[0] or \
                "CUDA_ERROR_ILLEGAL_ADDRESS" not in lines[0]:
            problems.append(f"expected one line naming cuLaunchKernel and its error: {lines}")
        if counts is None or counts["blocks_not_freed"] != 0:
            problems.append(f"blocks not freed: {counts}")
        print(("FAIL" if problems else "PASS") + " failing launch: " +
              ("; ".join(problems) if problems else lines[0]))
        failed += bool(problems)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
