#!/usr/bin/python3
"""Random chains of elementwise ops give onnxruntime's results.

    elementwise_chains_test.py --compile PATH --run PATH --checker check_with_onnxruntime.js
                               --onnxruntime DIR [--target NAME]... [--models N]

Each model is a random graph (fixed seeds) of unary and binary elementwise ops over a
[2, 3, 4, 5] input: constants broadcast into them, Reshapes view them in other shapes, a
value feeds one op or several, and now and then an intermediate is an output too. omc folds
a loop nest that only computes a buffer into the one nest that reads it
(compiler/conversion/onnx_to_krnl/FuseElementwiseLoops.h) where that is safe; these graphs
cross each of its conditions (tests/lit/onnx_to_krnl/fuse_elementwise.mlir checks that a
chain does fuse). Each model is compiled per target, run, and checked against
onnxruntime-node (rtol 1e-4, atol 1e-4); the log gives each model's elementwise ops and the
loop nests left of them.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from onnxruntime_check import add_arguments, check_targets, finish, parse

UNARY = ["Sigmoid", "Tanh", "Relu", "Neg", "Abs"]
BINARY = ["Add", "Mul", "Sub", "Max", "Min"]
RESHAPES = [[6, 20], [2, 3, 20], [120], [2, 60], [2, 3, 4, 5]]


def random_model(path, seed):
    """Writes a random chain; returns its elementwise op count."""
    rand = random.Random(seed)
    rng = np.random.default_rng(seed)
    values = [("x", [2, 3, 4, 5])]
    nodes, weights = [], []
    elementwise = 0

    def name():
        return f"v{len(nodes) + len(weights)}"

    for _ in range(rand.randint(3, 8)):
        source, shape = rand.choice(values[-3:] if rand.random() < 0.8 else values)
        pick = rand.random()
        if pick < 0.35:
            out = name()
            nodes.append(helper.make_node(rand.choice(UNARY), [source], [out]))
            elementwise += 1
        elif pick < 0.8:
            same = [v for v, s in values if s == shape]
            if rand.random() < 0.5:
                other = rand.choice(same)
            else:
                rank = len(shape)
                broadcast = rand.choice([[1], [shape[-1]], [1] * (rank - 1) + [shape[-1]],
                                         [shape[0]] + [1] * (rank - 1), shape])
                other = name()
                weights.append(numpy_helper.from_array(
                    rng.uniform(-1, 1, broadcast).astype(np.float32), other))
            out = name()
            operands = [source, other] if rand.random() < 0.5 else [other, source]
            nodes.append(helper.make_node(rand.choice(BINARY), operands, [out]))
            elementwise += 1
        else:
            shape = rand.choice(RESHAPES)
            target = name()
            weights.append(numpy_helper.from_array(np.array(shape, np.int64), target))
            out = name()
            nodes.append(helper.make_node("Reshape", [source, target], [out]))
        values.append((out, shape))
    outputs = [values[-1]]
    if rand.random() < 0.3 and len(values) > 2:
        extra = rand.choice(values[1:-1])
        if extra[0] != outputs[0][0]:
            outputs.append(extra)
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4, 5])],
        [helper.make_tensor_value_info(v, TensorProto.FLOAT, s) for v, s in outputs], weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    return elementwise, len(outputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(parser)
    parser.add_argument("--models", type=int, default=24)
    args, env = parse(parser)
    if env is None:
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as work:
        for seed in range(args.models):
            model = os.path.join(work, f"chain{seed}.onnx")
            ops, outputs = random_model(model, seed)
            data = os.path.join(work, f"chain{seed}-x.npy")
            np.save(data, np.random.default_rng(seed).uniform(-2, 2, [2, 3, 4, 5])
                    .astype(np.float32))
            krnl = subprocess.run([args.compile, f"--target={args.target[0]}", "--emit=krnl",
                                   "-o", "-", model], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
            nests = krnl.stdout.decode(errors="replace").count("\n    krnl.iterate")
            failures += check_targets(args, env, model, [data], outputs, args.target,
                                      os.path.join(work, f"chain{seed}"), f"chain{seed}",
                                      f" ({ops} elementwise ops, {nests} nests)")
    return finish("elementwise_chains", args, failures)


if __name__ == "__main__":
    sys.exit(main())
