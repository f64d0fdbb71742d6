"""Shared by the e2e tests that check generated models against onnxruntime-node."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from host_targets import host_targets, skip_reason, write_test_xml  # noqa: E402


def add_arguments(parser):
    """The tools' paths and the targets, as every such test takes them."""
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--checker", required=True, help="check_with_onnxruntime.js")
    parser.add_argument("--onnxruntime", required=True, help="@onnxruntime_node's directory")
    parser.add_argument("--target", action="append", help="default: x86-avx2 and x86-avx512")


def parse(parser):
    """(args, the environment of onnxruntime_env); args.target filled in by default, and
    args.runnable the targets whose code this host runs."""
    args = parser.parse_args()
    args.target = args.target or ["x86-avx2", "x86-avx512"]
    args.runnable = host_targets(args.compile)
    args.results = []  # (name, failures, skipped) of each check
    return args, onnxruntime_env(args.onnxruntime)


def onnxruntime_env(directory):
    """The environment for node to find onnxruntime-node in @onnxruntime_node's `directory`,
    or None (with the reason printed as a failure) where it could not be installed."""
    missing = os.path.join(directory, "MISSING")
    if os.path.exists(missing):
        with open(missing) as f:
            print(f"FAIL: {f.read().strip()}")
        return None
    return dict(os.environ, NODE_PATH=os.path.abspath(os.path.join(directory, "node_modules")))


def compile_run_check(args, env, model, inputs, outputs, target, stem, run=True):
    """Compiles `model` for `target` (args.compile) and, with `run`, runs it on the .npy
    `inputs` (args.run) and has onnxruntime-node (args.checker) compare its `outputs` results
    (rtol and atol 1e-4). Files go to `stem`-TARGET.*. Returns None, or what failed."""
    library = f"{stem}-{target}.so"
    out = f"{stem}-{target}-out"
    feeds = sum((["--input", path] for path in inputs), [])
    expected = sum((["--expected", os.path.join(out, f"output_{i}.pb")] for i in range(outputs)),
                   [])
    steps = [[args.compile, f"--target={target}", "-o", library, model],
             [args.run, library, "--output-dir", out] + feeds,
             ["node", args.checker, model, "--rtol", "1e-4", "--atol", "1e-4"] + expected + feeds]
    for argv in steps if run else steps[:1]:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0:
            return (f"{os.path.basename(argv[0])}: "
                    f"{proc.stdout.decode(errors='replace').strip()[-600:]}")
    return None


def check_targets(args, env, model, inputs, outputs, targets, stem, label, detail=""):
    """compile_run_check for each target, printing PASS or FAIL and `label` (and `detail`
    after a pass) per target; returns the failures. A target whose code this host cannot run
    is only compiled, and its check printed SKIPPED. Each goes to args.results (finish)."""
    failures = 0
    for target in targets:
        runs = target in args.runnable
        failure = compile_run_check(args, env, model, inputs, outputs, target, stem, runs)
        name = f"{target} {label}"
        if failure:
            print(f"FAIL {name}: {failure}")
            failures += 1
            args.results.append((name, [failure], []))
        elif not runs:
            print(f"SKIPPED {name}: compiled; {skip_reason(target)}")
            args.results.append((name, [], [skip_reason(target)]))
        else:
            print(f"PASS {name}{detail}")
            args.results.append((name, [], []))
    return failures


def finish(suite, args, failures):
    """Prints the count of failures, writes Bazel's test.xml, and returns the exit status."""
    print(f"{failures} failed")
    write_test_xml(suite, args.results)
    return 1 if failures else 0
