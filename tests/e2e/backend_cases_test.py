#!/usr/bin/python3
"""Compiles and runs ONNX backend test cases with omc and compares the outputs.

    backend_cases_test.py --compile PATH --run PATH --data-dir DIR
                          --target NAME [--target NAME]... CASE...

DIR is the ONNX backend test data's node folder (Debian's libonnx-testdata puts it at
/usr/share/libonnx-testdata/data/node); each CASE is a folder in it with model.onnx and
test_data_set_*/{input,output}_K.pb. For every target and case, this script runs

    compile --target=TARGET -o TMP/model.so DIR/CASE/model.onnx
    run TMP/model.so --input input_0.pb --input input_1.pb ... --output-dir OUT

for each test data set and compares every OUT/output_K.pb with the expected output_K.pb: the
same element type and shape, and values within rtol 1e-3 / atol 1e-7 for floating point
(NaN equals NaN), exactly equal for integers, booleans and strings.

For a target whose code this host's CPU cannot run (tests/common/host_targets.py), each case is
compiled, and its run must be refused with the runtime's error naming the CPU: the comparison
is reported SKIPPED.

It prints one line per (target, case), PASS, SKIPPED or FAIL with the reason, then
`N passed, N skipped, N failed` alone on the last line, and exits 0 only when no pair failed
and at least one passed.
Relative paths are taken from the working directory (Bazel runs tests in the runfiles root).
Uses only the standard library, numpy and onnx (run it with /usr/bin/python3).
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

# The test data loading and comparison live in tests/common/, shared with the conformance
# runner; that folder sits at the same relative place in the repository and in Bazel's runfiles.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from host_targets import host_targets, skip_reason, write_test_xml  # noqa: E402
from onnx_outputs import CheckFailure, compare, graph_kinds, load_value, numbered  # noqa: E402

COMPILE_TIMEOUT_S = 600
RUN_TIMEOUT_S = 300


class CaseFailure(Exception):
    """One (target, case) failed; the message says why."""


def describe_exit(code):
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited {code}"


def last_line(text):
    lines = [line for line in text.decode(errors="replace").splitlines() if line.strip()]
    if not lines:
        return "(nothing on stderr)"
    line = lines[-1].strip()
    return line if len(line) <= 400 else line[:400] + "..."


def invoke(what, argv, timeout):
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CaseFailure(f"{what} timed out after {timeout}s")
    except OSError as e:
        raise CaseFailure(f"cannot start {what} ({argv[0]}): {e.strerror}")
    if proc.returncode != 0:
        raise CaseFailure(f"{what} {describe_exit(proc.returncode)}: {last_line(proc.stderr)}")
    return proc


def refused_here(args, library):
    """Checks that the runtime refuses `library`, whose code this CPU cannot run, with one
    clear error rather than a crash."""
    proc = subprocess.run([args.run, library], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=RUN_TIMEOUT_S)
    message = last_line(proc.stderr)
    if proc.returncode != 1 or "on this CPU" not in message:
        raise CaseFailure(f"run {describe_exit(proc.returncode)} ({message}), expected the "
                          "runtime to refuse a library for another CPU")


def run_case(args, target, case, work, runs_here):
    """Checks one case; False when its runs were skipped."""
    case_dir = os.path.join(args.data_dir, case)
    model = os.path.join(case_dir, "model.onnx")
    if not os.path.isfile(model):
        raise CaseFailure(f"no such case: {model} not found")
    data_sets = sorted(d for d in os.listdir(case_dir)
                       if d.startswith("test_data_set_") and os.path.isdir(os.path.join(case_dir, d)))
    if not data_sets:
        raise CaseFailure(f"{case_dir} has no test_data_set_*")

    _, output_kinds = graph_kinds(model)  # tensors, sequences, optionals
    library = os.path.join(work, "model.so")
    invoke("compile", [args.compile, f"--target={target}", "-o", library, model], COMPILE_TIMEOUT_S)
    if not os.path.isfile(library):
        raise CaseFailure(f"compile exited 0 but wrote no {library}")
    if not runs_here:
        refused_here(args, library)
        return False

    for data_set in data_sets:
        data_dir = os.path.join(case_dir, data_set)
        inputs = numbered(data_dir, "input")
        expected = numbered(data_dir, "output")
        out_dir = os.path.join(work, data_set)
        os.makedirs(out_dir)
        argv = [args.run, library]
        for path in inputs:
            argv += ["--input", path]
        argv += ["--output-dir", out_dir]
        invoke(f"run ({data_set})", argv, RUN_TIMEOUT_S)
        produced = numbered(out_dir, "output")
        if len(produced) != len(expected):
            raise CaseFailure(f"{data_set}: run wrote {len(produced)} output(s), expected {len(expected)}")
        for k, (got, want) in enumerate(zip(produced, expected)):
            kind = output_kinds[k] if k < len(output_kinds) else "tensor"
            compare(f"{data_set}/output_{k}", load_value(got, kind), load_value(want, kind))
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", required=True, help="the omc compile binary")
    parser.add_argument("--run", required=True, help="the omc run binary")
    parser.add_argument("--data-dir", required=True, help="the ONNX backend test data's node folder")
    parser.add_argument("--target", action="append", required=True, help="a target to test (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    parser.add_argument("cases", nargs="*", metavar="CASE", help="case folder names, e.g. test_add")
    args = parser.parse_args()

    # The binaries may be given relative to the working directory; subprocess needs a path that
    # does not depend on PATH lookup, so make them absolute.
    args.compile = os.path.abspath(args.compile)
    args.run = os.path.abspath(args.run)
    args.data_dir = os.path.abspath(args.data_dir)
    for flag, path in (("--compile", args.compile), ("--run", args.run)):
        if not os.path.isfile(path) or not os.access(path, os.X_OK):
            print(f"error: {flag} {path} is not an executable file", file=sys.stderr)
            return 2
    if not os.path.isdir(args.data_dir):
        print(f"error: --data-dir {args.data_dir} is not a folder", file=sys.stderr)
        return 2

    tmp_root = tempfile.mkdtemp(prefix="omc-backend-cases-", dir=os.environ.get("TEST_TMPDIR"))
    passed = failed = 0
    results = []  # (name, failures, skipped) for test.xml
    runnable = host_targets(args.compile)
    try:
        for target in args.target:
            for case in args.cases:
                work = os.path.join(tmp_root, target, case)
                os.makedirs(work)
                name = f"{target} {case}"
                try:
                    ran = run_case(args, target, case, work, target in runnable)
                except (CaseFailure, CheckFailure) as e:
                    failure = str(e)
                except Exception as e:  # a bug here must not hide the other cases
                    failure = f"{type(e).__name__}: {e}"
                else:
                    failure = None
                if failure:
                    failed += 1
                    print(f"FAIL {name}: {failure}", flush=True)
                    results.append((name, [failure], []))
                elif ran:
                    passed += 1
                    print(f"PASS {name}", flush=True)
                    results.append((name, [], []))
                else:
                    print(f"SKIPPED {name}: compiled, and refused by run; {skip_reason(target)}",
                          flush=True)
                    results.append((name, [], [skip_reason(target)]))
    finally:
        if args.keep:
            print(f"kept {tmp_root}", file=sys.stderr)
        else:
            shutil.rmtree(tmp_root, ignore_errors=True)

    if passed + failed == 0:
        print("error: no case ran (name at least one CASE)", file=sys.stderr)
    skipped = len(results) - passed - failed
    print(f"{passed} passed, {skipped} skipped, {failed} failed", flush=True)
    write_test_xml("backend_cases", results)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
