"""skeleton.py strip and fill on a model made here: what strip keeps and drops, that fill
draws tensors like the originals and the same bytes on every run, and the error on a model
that strip did not make."""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

SKELETON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "skeleton.py")


def run(*args):
    return subprocess.run([sys.executable, SKELETON, *args], capture_output=True, text=True)


def make_model(path):
    rng = np.random.default_rng(1)
    weight = rng.normal(0.5, 0.02, size=(64, 48)).astype(np.float32)
    gain = np.ones(48, dtype=np.float32) * 2          # a constant: deviation 0
    bias = rng.normal(0, 1, size=(48,)).astype(np.float32)   # under --keep: kept
    shape = np.array([1, -1], dtype=np.int64)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "weight"], ["m"]),
         helper.make_node("Mul", ["m", "gain"], ["g"]),
         helper.make_node("Add", ["g", "bias"], ["a"]),
         helper.make_node("Reshape", ["a", "shape"], ["y"])],
        "skeleton_test", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 64])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 96])],
        initializer=[numpy_helper.from_array(weight, "weight"),
                     numpy_helper.from_array(gain, "gain"),
                     numpy_helper.from_array(bias, "bias"),
                     numpy_helper.from_array(shape, "shape")])
    onnx.save(helper.make_model(graph), path)
    return weight, bias, shape


def initializers(path):
    return {t.name: t for t in onnx.load(path).graph.initializer}


def main():
    failures = []

    def check(ok, what):
        print(("ok: " if ok else "FAILED: ") + what)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as d:
        model, stripped = os.path.join(d, "m.onnx"), os.path.join(d, "s.onnx")
        weight, bias, shape = make_model(model)
        done = run("strip", model, stripped, "--keep", "100")
        check(done.returncode == 0, f"strip exits 0 ({done.stderr.strip()})")
        kept = initializers(stripped)
        check(len(kept["weight"].raw_data) == 0 and not kept["weight"].float_data,
              "the 64x48 weight has no data in the skeleton")
        check(list(kept["weight"].dims) == [64, 48], "its dims stay")
        check(np.array_equal(numpy_helper.to_array(kept["bias"]), bias),
              "a float tensor under --keep stays as it is")
        check(np.array_equal(numpy_helper.to_array(kept["shape"]), shape),
              "an int64 tensor stays as it is")
        check(os.path.getsize(stripped) < os.path.getsize(model) / 4, "the skeleton is small")

        filled, again = os.path.join(d, "f.onnx"), os.path.join(d, "g.onnx")
        check(run("fill", stripped, filled).returncode == 0, "fill exits 0")
        check(run("fill", stripped, again).returncode == 0, "fill again exits 0")
        with open(filled, "rb") as a, open(again, "rb") as b:
            check(a.read() == b.read(), "two fills give the same bytes")
        drawn = {n: numpy_helper.to_array(t) for n, t in initializers(filled).items()}
        check(drawn["weight"].shape == (64, 48) and drawn["weight"].dtype == np.float32,
              "the drawn weight has the original's shape and type")
        check(abs(drawn["weight"].mean() - weight.mean()) < 0.005 and
              abs(drawn["weight"].std() - weight.std()) < 0.005,
              f"and about its mean and deviation ({drawn['weight'].mean():.4f} against "
              f"{weight.mean():.4f}, {drawn['weight'].std():.4f} against {weight.std():.4f})")
        check(not np.array_equal(drawn["weight"], weight), "but not its values")
        check(np.all(drawn["gain"] == 2), "a constant tensor is drawn as that constant")
        check(all(p.key != "omc.skeleton" for p in onnx.load(filled).metadata_props),
              "the filled model has no omc.skeleton entry")
        onnx.checker.check_model(filled)

        refused = run("fill", model, os.path.join(d, "x.onnx"))
        check(refused.returncode == 1 and "has no omc.skeleton entry" in refused.stderr,
              f"fill on a model strip did not make exits 1 naming why ({refused.stderr.strip()})")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
