#!/usr/bin/python3
"""Real models compiled by omc give onnxruntime's outputs.

    model_test.py --compile PATH --run PATH --models-dir DIR --onnxruntime DIR
                  [--target NAME] [--run-wrapper CMD] [--rtol X] [--atol X] (--gpt2 CONFIG --lengths N,N,... |
                  --torchvision MODEL)

Each model is exported with random weights by tools/models/ (under /usr/bin/python3 and Debian's
torch), compiled once with `compile --target=NAME` (default: the host's best target) and run
with `run`; onnxruntime-node then
runs the same model on the same input through tools/models/check_with_onnxruntime.js and
compares its outputs with ours (rtol 1e-3, atol 1e-4 by default).

--run-wrapper CMD runs `run` through CMD (split like a shell): for a target this machine
cannot run, e.g. `--target aarch64-neon --run-wrapper "qemu-aarch64 -L /usr/aarch64-linux-gnu"`
with a `run` built for AArch64.

--gpt2 CONFIG compiles GPT-2 with its sequence length dynamic (no --shape) and runs that one
library on random tokens of each length in --lengths. --torchvision MODEL compiles a
classification model at batch 1 and runs it on the exporter's test input.

--onnxruntime is the @onnxruntime_node repository (third_party/onnxruntime/repository.bzl):
onnxruntime-node as tools/setup.sh installs it, or a file MISSING saying that it is not.
Prints a line per step with its time and fails on the first mismatch.
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import numpy_helper


class Failure(Exception):
    pass


def run(argv, what, timeout=900, env=None):
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        raise Failure(f"{what} timed out after {timeout}s")
    output = proc.stdout.decode(errors="replace")
    if proc.returncode != 0:
        tail = output.strip().splitlines()[-12:]
        raise Failure(f"{what} exited {proc.returncode}:\n    " + "\n    ".join(tail))
    print(f"  {what}: {time.monotonic() - start:.1f}s", flush=True)
    return output


def node_modules(onnxruntime_dir):
    """The node_modules directory of @onnxruntime_node, or a Failure saying how to get it."""
    missing = os.path.join(onnxruntime_dir, "MISSING")
    if os.path.exists(missing):
        with open(missing) as f:
            raise Failure(f.read().strip())
    path = os.path.join(onnxruntime_dir, "node_modules")
    if not os.path.isdir(os.path.join(path, "onnxruntime-node")):
        raise Failure(f"onnxruntime-node is not in {path}: run tools/setup.sh, then "
                      "`bazel sync --only=onnxruntime_node`")
    return os.path.abspath(path)


class Model:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.env = dict(os.environ, NODE_PATH=node_modules(args.onnxruntime))
        self.checker = os.path.join(args.models_dir, "check_with_onnxruntime.js")

    def export(self, script, *options):
        run([sys.executable, os.path.join(self.args.models_dir, script), *options],
            f"export {' '.join(options[:2])}")

    def compile(self, model, library):
        targets = [f"--target={self.args.target}"] if self.args.target else []
        run([self.args.compile, *targets, "-o", library, model],
            f"compile {os.path.basename(model)} ({self.args.target or 'the host target'})")

    def check(self, model, library, inputs, name):
        """Runs `library` on `inputs` and compares its outputs with onnxruntime's."""
        out_dir = os.path.join(self.work, name + "-out")
        argv = self.args.run_wrapper + [self.args.run, library, "--output-dir", out_dir]
        for path in inputs:
            argv += ["--input", path]
        run(argv, f"run {name}")
        outputs = sorted(f for f in os.listdir(out_dir) if f.endswith(".pb"))
        if not outputs:
            raise Failure(f"run {name} wrote no output")
        argv = ["node", self.checker, model, "--rtol", str(self.args.rtol),
                "--atol", str(self.args.atol)]
        for path in inputs:
            argv += ["--input", path]
        for output in outputs:
            argv += ["--expected", os.path.join(out_dir, output)]
        report = run(argv, f"onnxruntime on {name}, compared", env=self.env)
        for line in report.strip().splitlines():
            if "max" in line or "match" in line:
                print(f"    {line.strip()}")
        if self.args.compare_threads:
            self.check_threads(library, inputs, name, outputs)

    def check_threads(self, library, inputs, name, outputs):
        """Parallel loops split only independent iterations: the outputs with 1 thread and
        with N must be the same bytes."""
        results = {}
        for threads in (1, self.args.compare_threads):
            out_dir = os.path.join(self.work, f"{name}-threads-{threads}")
            argv = self.args.run_wrapper + [self.args.run, library, "--output-dir", out_dir,
                                            "--threads", str(threads)]
            for path in inputs:
                argv += ["--input", path]
            run(argv, f"run {name} with --threads {threads}")
            results[threads] = [open(os.path.join(out_dir, output), "rb").read()
                                for output in outputs]
        if results[1] != results[self.args.compare_threads]:
            raise Failure(f"{name}: outputs with --threads 1 and --threads "
                          f"{self.args.compare_threads} differ")
        print(f"    --threads 1 and {self.args.compare_threads}: identical outputs")


def write_tokens(path, length, vocab, seed):
    tokens = np.random.default_rng(seed).integers(0, vocab, size=(1, length), dtype=np.int64)
    tensor = numpy_helper.from_array(tokens, name="input_ids")
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())


def check_gpt2(model_runner, config, lengths):
    work = model_runner.work
    model = os.path.join(work, f"gpt2-{config}.onnx")
    model_runner.export("export_gpt2.py", "--config", config, "-o", model)
    logits = onnx.load(model, load_external_data=False).graph.output[0]
    vocab = logits.type.tensor_type.shape.dim[-1].dim_value
    library = os.path.join(work, f"gpt2-{config}.so")
    model_runner.compile(model, library)  # once, with the sequence length dynamic
    for length in lengths:
        tokens = os.path.join(work, f"tokens-{length}.pb")
        write_tokens(tokens, length, vocab, seed=length)
        model_runner.check(model, library, [tokens], f"gpt2-{config} on {length} tokens")


def check_torchvision(model_runner, name):
    work = model_runner.work
    model = os.path.join(work, name + ".onnx")
    data = os.path.join(work, name + "-data")
    model_runner.export("export_torchvision.py", "--model", name, "-o", model,
                        "--test-data", data)
    library = os.path.join(work, name + ".so")
    model_runner.compile(model, library)
    model_runner.check(model, library, [os.path.join(data, "input_0.pb")], name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--models-dir", required=True)
    parser.add_argument("--onnxruntime", required=True)
    parser.add_argument("--target", help="default: the best one for this host")
    parser.add_argument("--run-wrapper", default="", metavar="CMD")
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--gpt2", metavar="CONFIG")
    parser.add_argument("--lengths", default="1,7,33")
    parser.add_argument("--torchvision", metavar="MODEL")
    parser.add_argument("--compare-threads", type=int, default=0, metavar="N",
                        help="also run with --threads 1 and --threads N and require "
                             "identical outputs")
    args = parser.parse_args()
    if bool(args.gpt2) == bool(args.torchvision):
        parser.error("give one of --gpt2 and --torchvision")
    args.run_wrapper = shlex.split(args.run_wrapper)
    if args.run_wrapper and not shutil.which(args.run_wrapper[0]):
        parser.error(f"--run-wrapper: {args.run_wrapper[0]} not found (for qemu-aarch64: "
                     "tools/setup.sh installs qemu-user)")

    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as work:
        try:
            runner = Model(args, work)
            if args.gpt2:
                check_gpt2(runner, args.gpt2, [int(n) for n in args.lengths.split(",")])
            else:
                check_torchvision(runner, args.torchvision)
        except Failure as failure:
            print(f"FAIL: {failure}", flush=True)
            return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
