"""Tests of the Python module omc (runtime/python/) under Debian's /usr/bin/python3.

python_api_test.sh runs this in the runfiles root with PYTHONPATH at the built module
(runtime/python/) and these flags: --compile PATH (tools/compile) --data-dir DIR (the node
suite of the ONNX backend test data). It checks ExecutionSession and CompileExecutionSession
on backend cases against their expected outputs, the compile cache, the compiler lookup,
every numpy element type, strided inputs, several threads on one session, and that wrong
inputs raise exceptions whose messages name the input, what was expected and what was given.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from onnx_outputs import compare, load_tensor, numbered  # noqa: E402

import omc  # noqa: E402  (from PYTHONPATH: the module the build made)

ARGS = None
CASES = ["test_add", "test_matmul_2d"]


def case_dir(case):
    return os.path.join(ARGS.data_dir, case)


def case_data(case):
    """The inputs and expected outputs of the case's test_data_set_0."""
    folder = os.path.join(case_dir(case), "test_data_set_0")
    inputs = [load_tensor(path) for path in numbered(folder, "input")]
    outputs = [load_tensor(path) for path in numbered(folder, "output")]
    return inputs, outputs


def check_outputs(test, case, actual, expected):
    test.assertEqual(len(actual), len(expected))
    for i, (got, want) in enumerate(zip(actual, expected)):
        test.assertIsInstance(got, np.ndarray)
        compare(f"{case} output {i}", got, want)  # raises CheckFailure on a difference


def tmp_path(*parts):
    return os.path.join(os.environ.get("TEST_TMPDIR", tempfile.gettempdir()), *parts)


def compile_with_tool(model, out):
    subprocess.run([ARGS.compile, "-o", out, model], check=True)
    return out


def save_model(name, nodes, inputs, outputs):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    path = tmp_path(name + ".onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


class Environment(unittest.TestCase):
    def test_imports_the_built_module(self):
        here = os.path.abspath(os.path.join("runtime", "python", "omc"))
        self.assertEqual(os.path.dirname(os.path.abspath(omc.__file__)), here)
        self.assertTrue(omc.__doc__.startswith("omc: run ONNX models"))


class ExecutionSessionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.libraries = {case: compile_with_tool(os.path.join(case_dir(case), "model.onnx"),
                                                 tmp_path(case + ".so")) for case in CASES}

    def test_signatures(self):
        session = omc.ExecutionSession(self.libraries["test_matmul_2d"])
        inputs = json.loads(session.input_signature())
        self.assertEqual([(t["name"], t["type"], t["shape"]) for t in inputs],
                         [("a", "float32", [3, 4]), ("b", "float32", [4, 3])])
        outputs = json.loads(session.output_signature())
        self.assertEqual([(t["name"], t["type"], t["shape"]) for t in outputs],
                         [("c", "float32", [3, 3])])
        self.assertEqual(session.inputs, [omc.TensorInfo("a", "float32", (3, 4)),
                                          omc.TensorInfo("b", "float32", (4, 3))])
        self.assertEqual(session.outputs, [omc.TensorInfo("c", "float32", (3, 3))])
        self.assertEqual(session.entry_point, "main_graph")
        self.assertEqual(session.entry_points(), ["main_graph"])
        self.assertEqual(session.path, self.libraries["test_matmul_2d"])

    def test_runs_backend_cases(self):
        for case in CASES:
            with self.subTest(case=case):
                session = omc.ExecutionSession(self.libraries[case])
                inputs, expected = case_data(case)
                check_outputs(self, case, session.run(inputs), expected)
                # The same by name, and from a tuple.
                names = [info.name for info in session.inputs]
                check_outputs(self, case, session.run(dict(zip(names, inputs))), expected)
                check_outputs(self, case, session.run(tuple(inputs)), expected)

    def test_strided_and_byte_swapped_inputs(self):
        session = omc.ExecutionSession(self.libraries["test_matmul_2d"])
        (a, b), (c,) = case_data("test_matmul_2d")
        a_t = np.ascontiguousarray(a.T).T                 # column-major
        big = np.zeros((8, 9), np.float32)
        big[::2, ::3] = b[::-1]                           # b reversed, every other row/3rd col
        b_view = big[::2, ::3][::-1]                      # negative strides, gaps
        self.assertFalse(a_t.flags.c_contiguous or b_view.flags.c_contiguous)
        check_outputs(self, "strided", session.run([a_t, b_view]), [c])
        check_outputs(self, "big-endian", session.run([a.astype(">f4"), b]), [c])
        # numpy strides that are not whole elements (a field of a structured array).
        packed = np.zeros(a.shape, dtype=[("pad", "u1"), ("v", "<f4")])
        packed["v"] = a
        check_outputs(self, "unaligned", session.run([packed["v"], b]), [c])

    def test_outputs_are_independent_arrays(self):
        session = omc.ExecutionSession(self.libraries["test_add"])
        (x, y), (expected,) = case_data("test_add")
        first = session.run([x, y])[0]
        second = session.run([x, y])[0]
        self.assertTrue(first.flags.c_contiguous and first.flags.writeable)
        first[...] = 0  # writing one output leaves the other alone
        compare("second output", second, expected)
        del session  # outputs own their memory: they outlive the session
        compare("second output", second, expected)

    def test_runs_from_four_threads(self):
        session = omc.ExecutionSession(self.libraries["test_matmul_2d"])
        failures, runs = [], 300

        def work(seed):
            random = np.random.default_rng(seed)
            try:
                for _ in range(runs):
                    a = random.standard_normal((3, 4)).astype(np.float32) + seed
                    b = random.standard_normal((4, 3)).astype(np.float32)
                    (c,) = session.run([a, b])
                    np.testing.assert_allclose(c, a @ b, rtol=1e-4, atol=1e-4)
            except Exception as e:  # noqa: BLE001 (reported below)
                failures.append(f"thread {seed}: {e}")

        threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])

    def test_load_errors(self):
        with self.assertRaises(omc.Error) as raised:
            omc.ExecutionSession(tmp_path("no-such-model.so"))
        self.assertIn("no-such-model.so", str(raised.exception))
        with self.assertRaises(omc.Error) as raised:
            omc.ExecutionSession(self.libraries["test_add"], entry_point="other")
        self.assertIn("no entry point 'other'", str(raised.exception))


class WrongInputsTest(unittest.TestCase):
    """Each kind of wrong input raises before the model runs, naming the input, what the
    model expects and what it was given."""

    @classmethod
    def setUpClass(cls):
        model = os.path.join(case_dir("test_matmul_2d"), "model.onnx")
        cls.session = omc.ExecutionSession(compile_with_tool(model, tmp_path("wrong.so")))
        (cls.a, cls.b), _ = case_data("test_matmul_2d")

    def raised(self, exception_class, inputs):
        with self.assertRaises(exception_class) as raised:
            self.session.run(inputs)
        self.assertIsInstance(raised.exception, omc.InputError)
        self.assertIsInstance(raised.exception, omc.Error)
        return str(raised.exception)

    def test_wrong_count(self):
        self.assertEqual(self.raised(ValueError, [self.a]), "expected 2 inputs ('a', 'b'), got 1")
        self.assertEqual(self.raised(ValueError, [self.a, self.b, self.b]),
                         "expected 2 inputs ('a', 'b'), got 3")
        self.assertEqual(self.raised(ValueError, {"a": self.a}), "input 1 ('b') is missing")
        self.assertEqual(self.raised(ValueError, {"a": self.a, "b": self.b, "x": self.b}),
                         "no input named 'x'; the model's inputs are 'a', 'b'")

    def test_wrong_element_type(self):
        self.assertEqual(self.raised(TypeError, [self.a, self.b.astype(np.float64)]),
                         "input 1 ('b'): expected float32, got float64")
        self.assertEqual(self.raised(TypeError, [self.a.astype(np.int64), self.b]),
                         "input 0 ('a'): expected float32, got int64")
        self.assertEqual(self.raised(TypeError, [self.a, self.b.tolist()]),
                         "input 1 ('b'): expected a numpy array of float32, got list")

    def test_wrong_shape(self):
        self.assertEqual(self.raised(ValueError, [self.a, self.b.T]),
                         "input 1 ('b'): expected shape [4, 3], got [3, 4]")
        self.assertEqual(self.raised(ValueError, [self.a[None], self.b]),
                         "input 0 ('a'): expected shape [3, 4], got [1, 3, 4]")

    def test_not_a_list(self):
        with self.assertRaises(TypeError) as raised:
            self.session.run(self.a)
        self.assertIn("run() takes a list of numpy arrays", str(raised.exception))

    def test_runtime_check_behind_the_python_one(self):
        # The compiled binding checks too (through the C runtime); its message surfaces.
        with self.assertRaises(omc.InputError) as raised:
            self.session._session.run([self.a, self.a])
        self.assertEqual(str(raised.exception),
                         "input 1 ('b'): dim 0 is 3, expected 4 (shape [4,3])")
        with self.assertRaises(omc.InputError) as raised:
            self.session._session.run([self.a, self.b.astype(np.int32)])
        self.assertEqual(str(raised.exception),
                         "input 1 ('b'): expected element type float32, got int32")


class ElementTypesTest(unittest.TestCase):
    """Every element type numpy has goes in and comes out with its dtype and values (one
    Identity per type, with a dynamic dim)."""

    TYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64",
             "uint8", "uint16", "uint32", "uint64", "bool"]

    def test_every_numpy_type(self):
        onnx_type = {name: onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(name)] for name in self.TYPES}
        path = save_model(
            "identities",
            [helper.make_node("Identity", [f"x_{t}"], [f"y_{t}"]) for t in self.TYPES],
            [helper.make_tensor_value_info(f"x_{t}", onnx_type[t], [2, "n"]) for t in self.TYPES],
            [helper.make_tensor_value_info(f"y_{t}", onnx_type[t], [2, "n"]) for t in self.TYPES])
        session = omc.CompileExecutionSession(path)
        self.assertEqual([info.dtype for info in session.inputs], self.TYPES)
        self.assertEqual([info.shape for info in session.inputs], [(2, -1)] * len(self.TYPES))
        values = [(np.arange(6).reshape(2, 3) % 2).astype(t) if t == "bool" else
                  (np.arange(6).reshape(2, 3) * 3 + 1).astype(t) for t in self.TYPES]
        outputs = session.run(values)
        for t, given, got in zip(self.TYPES, values, outputs):
            with self.subTest(dtype=t):
                self.assertEqual(got.dtype, np.dtype(t))
                np.testing.assert_array_equal(got, given)
        # The dynamic dim takes any size, 0 included.
        empty = session.run([v[:, :0] for v in values])
        self.assertEqual([o.shape for o in empty], [(2, 0)] * len(self.TYPES))

    def test_bfloat16_is_a_clear_error(self):
        path = save_model(
            "bf16", [helper.make_node("Identity", ["x"], ["y"])],
            [helper.make_tensor_value_info("x", TensorProto.BFLOAT16, [2])],
            [helper.make_tensor_value_info("y", TensorProto.BFLOAT16, [2])])
        session = omc.CompileExecutionSession(path)
        self.assertEqual(session.inputs, [omc.TensorInfo("x", "bfloat16", (2,))])
        with self.assertRaises(omc.InputTypeError) as raised:
            session.run([np.zeros(2, np.uint16)])
        self.assertEqual(str(raised.exception),
                         "input 0 ('x'): expected bfloat16, which numpy has no dtype for; "
                         "omc's Python API cannot feed this input")


class CompileExecutionSessionTest(unittest.TestCase):
    def setUp(self):
        self.cache = tempfile.mkdtemp(dir=tmp_path())
        os.environ["OMC_CACHE_DIR"] = self.cache

    def test_compiles_once_then_hits_the_cache(self):
        for case in CASES:
            with self.subTest(case=case):
                model = os.path.join(case_dir(case), "model.onnx")
                inputs, expected = case_data(case)
                first = omc.CompileExecutionSession(model, target="x86-avx2")
                self.assertFalse(first.compiled_from_cache)
                self.assertTrue(first.library_path.startswith(self.cache + os.sep))
                check_outputs(self, case, first.run(inputs), expected)

                mtime = os.stat(first.library_path).st_mtime_ns
                second = omc.CompileExecutionSession(model, target="x86-avx2")
                self.assertTrue(second.compiled_from_cache)
                self.assertEqual(second.library_path, first.library_path)
                self.assertEqual(os.stat(second.library_path).st_mtime_ns, mtime)
                check_outputs(self, case, second.run(inputs), expected)

                # Other options are another library; the same bytes elsewhere are not.
                other = omc.CompileExecutionSession(model, target="x86-avx2", opt_level=0)
                self.assertFalse(other.compiled_from_cache)
                self.assertNotEqual(other.library_path, first.library_path)
                copy = shutil.copy(model, tmp_path(case + "-copy.onnx"))
                self.assertTrue(omc.CompileExecutionSession(copy, target="x86-avx2")
                                .compiled_from_cache)
        # Only finished libraries (and their notes) are left: no temporary files.
        self.assertTrue(all(not name.startswith(".") for name in os.listdir(self.cache)))

    def test_default_target_and_shapes(self):
        # test_add with every input fixed to its own shape: accepted, and a cache key of its own.
        model = os.path.join(case_dir("test_add"), "model.onnx")
        inputs, expected = case_data("test_add")
        session = omc.CompileExecutionSession(model, shapes={"x": (3, 4, 5), "y": "3x4x5"})
        self.assertFalse(session.compiled_from_cache)
        check_outputs(self, "test_add", session.run(inputs), expected)
        again = omc.CompileExecutionSession(model, shapes={"y": [3, 4, 5], "x": "3x4x5"})
        self.assertTrue(again.compiled_from_cache)
        self.assertEqual(again.library_path, session.library_path)
        with self.assertRaises(ValueError):
            omc.CompileExecutionSession(model, shapes={"x": (3, -1, 5)})
        with self.assertRaises(ValueError):
            omc.CompileExecutionSession(model, opt_level=4)

    def test_compile_errors(self):
        with self.assertRaises(omc.CompileError) as raised:  # this script is no ONNX model
            omc.CompileExecutionSession(os.path.abspath(__file__))
        self.assertIn("not a valid ONNX model", str(raised.exception))
        with self.assertRaises(omc.CompileError) as raised:
            omc.CompileExecutionSession(os.path.join(case_dir("test_add"), "model.onnx"),
                                        target="no-such-target")
        self.assertIn("no-such-target", str(raised.exception))
        with self.assertRaises(FileNotFoundError):
            omc.CompileExecutionSession(tmp_path("missing.onnx"))
        self.assertEqual([n for n in os.listdir(self.cache) if n.startswith(".")], [])

    def test_finds_the_compiler(self):
        # Beside the module: runtime/python/omc/ -> tools/compile, in the runfiles as in bazel-bin.
        saved = os.environ.pop("OMC_COMPILE", None)
        try:
            self.assertEqual(omc.find_compiler(), os.path.abspath(os.path.join("tools", "compile")))
            os.environ["OMC_COMPILE"] = tmp_path("no-such-compile")
            with self.assertRaises(omc.CompileError) as raised:
                omc.CompileExecutionSession(os.path.join(case_dir("test_add"), "model.onnx"))
            self.assertIn("$OMC_COMPILE is", str(raised.exception))
            self.assertIn("no-such-compile", str(raised.exception))
            os.environ["OMC_COMPILE"] = os.path.abspath(ARGS.compile)
            self.assertEqual(omc.find_compiler(), os.path.abspath(ARGS.compile))
        finally:
            os.environ.pop("OMC_COMPILE", None)
            if saved is not None:
                os.environ["OMC_COMPILE"] = saved

    def test_damaged_cache_entry_is_recompiled(self):
        model = os.path.join(case_dir("test_add"), "model.onnx")
        library = omc.CompileExecutionSession(model, target="x86-avx2").library_path
        # Damaged while nothing has it loaded (dlopen would reuse a loaded library by path).
        os.unlink(library)
        with open(library, "wb") as f:
            f.write(b"not a library")
        again = omc.CompileExecutionSession(model, target="x86-avx2")
        self.assertFalse(again.compiled_from_cache)
        inputs, expected = case_data("test_add")
        check_outputs(self, "test_add", again.run(inputs), expected)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--data-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    # Never the user's ~/.cache: every compilation here goes to the test's directory.
    os.environ["OMC_CACHE_DIR"] = tmp_path("omc-cache")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
