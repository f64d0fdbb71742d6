#!/usr/bin/python3
"""The random ops' distributions, through the command-line tools.

    random_ops_test.py --compile PATH --run PATH [--target NAME]

The ONNX backend cases of random ops can only be checked by type and shape (no two runtimes
draw the same numbers). This test builds models with large outputs, compiles and runs each
with omc, and checks what the draw must satisfy: the range, mean and spread of RandomUniform
and RandomNormal (and their Like forms), Bernoulli's frequencies per probability, Multinomial's
class frequencies, equal numbers for equal seeds in separate processes, and new numbers in
every process without a seed. Bounds are 6 standard errors wide, so a correct generator fails
them with a probability below 1e-8 per check.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ARGS = None
N = 200_000  # values per distribution check


def make_model(path, node, inputs, output_type, output_shape):
    graph = helper.make_graph(
        [node], "random", inputs,
        [helper.make_tensor_value_info(node.output[0], output_type, output_shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])
    onnx.checker.check_model(model)
    onnx.save(model, path)


class RandomOpsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        self.count = 0

    def compile_and_run(self, node, inputs=(), output_type=TensorProto.FLOAT, output_shape=(N,),
                        feeds=(), runs=1):
        """Compiles the one-node model, runs it `runs` times (separate processes) on `feeds`
        (numpy arrays), returns the outputs."""
        self.count += 1
        base = os.path.join(self.tmp, f"model{self.count}")
        make_model(base + ".onnx", node, list(inputs), output_type, list(output_shape))
        targets = [f"--target={ARGS.target}"] if ARGS.target else []
        subprocess.run([ARGS.compile, *targets, "-o", base + ".so", base + ".onnx"], check=True)
        argv = [ARGS.run, base + ".so"]
        for k, value in enumerate(feeds):
            path = f"{base}_input{k}.pb"
            with open(path, "wb") as f:
                f.write(numpy_helper.from_array(value).SerializeToString())
            argv += ["--input", path]
        results = []
        for r in range(runs):
            out = f"{base}_out{r}"
            subprocess.run(argv + ["--output-dir", out], check=True)
            results.append(numpy_helper.to_array(
                onnx.load_tensor(os.path.join(out, "output_0.pb"))))
        return results if runs > 1 else results[0]

    def assert_near(self, value, expected, standard_error, what):
        self.assertLessEqual(abs(value - expected), 6 * standard_error,
                             f"{what}: {value:.6g}, expected {expected:.6g} "
                             f"+- 6 x {standard_error:.3g}")

    def check_uniform(self, x, low, high):
        self.assertGreaterEqual(x.min(), low)
        self.assertLess(x.max(), high)
        width = high - low
        self.assert_near(x.mean(), (low + high) / 2, width / np.sqrt(12 * x.size), "mean")
        # Each tenth of the range holds a tenth of the values.
        counts, _ = np.histogram(x, bins=10, range=(low, high))
        for count in counts:
            self.assert_near(count / x.size, 0.1, np.sqrt(0.09 / x.size), "decile share")

    def check_normal(self, x, mean, scale):
        self.assertTrue(np.isfinite(x).all())
        self.assert_near(x.mean(), mean, scale / np.sqrt(x.size), "mean")
        self.assert_near(x.std(), scale, scale / np.sqrt(2 * x.size), "standard deviation")
        inside = np.mean(np.abs(x - mean) < scale)  # 68.27% within one sigma
        self.assert_near(inside, 0.6827, np.sqrt(0.6827 * 0.3173 / x.size), "share within 1 sigma")

    def test_random_uniform(self):
        node = helper.make_node("RandomUniform", [], ["y"], low=-2.0, high=3.0, seed=1.5,
                                shape=[N])
        self.check_uniform(self.compile_and_run(node), -2.0, 3.0)

    def test_random_normal(self):
        node = helper.make_node("RandomNormal", [], ["y"], mean=1.0, scale=2.0, seed=7.0,
                                shape=[N])
        self.check_normal(self.compile_and_run(node).astype(np.float64), 1.0, 2.0)

    def test_like_forms_take_shape_and_dtype(self):
        x = np.zeros((400, 500), np.float32)
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [400, 500])]
        node = helper.make_node("RandomUniformLike", ["x"], ["y"], dtype=TensorProto.DOUBLE,
                                low=0.0, high=1.0)
        y = self.compile_and_run(node, inputs, TensorProto.DOUBLE, (400, 500), [x])
        self.assertEqual((y.dtype, y.shape), (np.float64, (400, 500)))
        self.check_uniform(y.ravel(), 0.0, 1.0)
        node = helper.make_node("RandomNormalLike", ["x"], ["y"], mean=-3.0, scale=0.5)
        y = self.compile_and_run(node, inputs, TensorProto.FLOAT, (400, 500), [x])
        self.assertEqual((y.dtype, y.shape), (np.float32, (400, 500)))
        self.check_normal(y.ravel().astype(np.float64), -3.0, 0.5)

    def test_bernoulli_follows_each_probability(self):
        p = np.tile(np.array([0.0, 0.25, 1.0, 0.5], np.float32), N // 4)
        inputs = [helper.make_tensor_value_info("p", TensorProto.FLOAT, [N])]
        node = helper.make_node("Bernoulli", ["p"], ["y"], dtype=TensorProto.INT32)
        y = self.compile_and_run(node, inputs, TensorProto.INT32, (N,), [p])
        self.assertEqual(y.dtype, np.int32)
        self.assertTrue(np.isin(y, (0, 1)).all())
        self.assertTrue((y[p == 0] == 0).all())
        self.assertTrue((y[p == 1] == 1).all())
        for q in (0.25, 0.5):
            self.assert_near(y[p == q].mean(), q, np.sqrt(q * (1 - q) / (N // 4)), f"p={q}")

    def test_multinomial_class_frequencies(self):
        probs = np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
        samples = 50_000
        inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])]
        node = helper.make_node("Multinomial", ["x"], ["y"], sample_size=samples, seed=3.0,
                                dtype=TensorProto.INT64)
        # Unnormalized log-probabilities: any offset per row leaves the distribution alone.
        logits = (np.log(probs) + np.array([[5.0], [-2.0]])).astype(np.float32)
        y = self.compile_and_run(node, inputs, TensorProto.INT64, (2, samples), [logits])
        self.assertEqual((y.dtype, y.shape), (np.int64, (2, samples)))
        for row in range(2):
            shares = np.bincount(y[row], minlength=4) / samples
            self.assertEqual(len(shares), 4, f"row {row}: a class outside 0..3")
            for c in range(4):
                q = probs[row, c]
                self.assert_near(shares[c], q, np.sqrt(q * (1 - q) / samples),
                                 f"row {row} class {c}")

    def test_equal_seeds_repeat_and_no_seed_draws_anew(self):
        seeded = helper.make_node("RandomUniform", [], ["y"], seed=42.0, shape=[1000])
        a, b = self.compile_and_run(seeded, output_shape=(1000,), runs=2)
        np.testing.assert_array_equal(a, b)
        with open("/proc/sys/kernel/randomize_va_space") as f:
            randomized = f.read().strip() != "0"
        unseeded = helper.make_node("RandomUniform", [], ["y"], shape=[1000])
        a, b = self.compile_and_run(unseeded, output_shape=(1000,), runs=2)
        self.check_uniform(np.concatenate([a, b]), 0.0, 1.0)
        if not randomized:
            self.skipTest("address-space randomization is off: processes draw alike")
        self.assertFalse(np.array_equal(a, b), "two processes drew the same numbers")


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--target", help="default: the best one for this host")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
