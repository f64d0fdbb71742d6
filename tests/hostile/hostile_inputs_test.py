"""Hostile models and inputs: each row of the table below makes one bad file (a model for
//tools:compile, or a model library or input tensor for //tools:run) and passes when the tool
exits with status exactly 1, prints exactly one line on stderr, and that line matches every
pattern of the row (regular expressions, case-insensitive). A signal (a crash, an abort, a
sanitizer report), a hang (the timeout) or any other status fails the row.

    hostile_inputs_test.py --compile PATH --run PATH [--only SUBSTRING] [--keep DIR]

Prints PASS/FAIL per row and `N passed, N failed` last; exits 1 on any failure.
tests/e2e/cli_errors_test.sh covers the everyday mistakes (missing files, unknown flags, a
wrong input to test_add); this table covers what a stranger's file can hold.
"""

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable, List

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TIMEOUT_S = 120
F = TensorProto.FLOAT
I64 = TensorProto.INT64


def model_of(nodes, inputs, outputs, initializers=(), opset=17, **kwargs):
    graph = helper.make_graph(nodes, "hostile", inputs, outputs, list(initializers))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], **kwargs)
    model.ir_version = 8
    return model


def vinfo(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def save_model(model, path):
    # No checker: the point is to hand omc what the checker would refuse.
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def identity_model(**kwargs):
    return model_of([helper.make_node("Relu", ["x"], ["y"])], [vinfo("x", F, [2])],
                    [vinfo("y", F, [2])], **kwargs)


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


# ------------------------------------------------------------------------------------------
# Bad model files. Each function writes DIR/model.onnx (and whatever else the model needs).


def empty_file(d):
    open(os.path.join(d, "model.onnx"), "wb").close()


def garbage_wire_types(d):
    # Field 7 (graph) with wire type 7, which protobuf does not define.
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(b"\x08\x08" + bytes([(7 << 3) | 7]) + b"\x00" * 16)


def truncated_in_initializer(d):
    weights = numpy_helper.from_array(np.arange(1024, dtype=np.float32), "w")
    model = model_of([helper.make_node("Add", ["x", "w"], ["y"])], [vinfo("x", F, [1024])],
                     [vinfo("y", F, [1024])], [weights])
    data = model.SerializeToString()
    cut = data.find(np.arange(1024, dtype=np.float32).tobytes()[:64]) + 2000
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(data[:cut])


def huge_declared_length(d):
    # ir_version, then field 7 (graph) declaring 2^40 bytes that never come.
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(b"\x08\x08" + bytes([(7 << 3) | 2]) + varint(1 << 40) + b"\x00" * 32)


def field(number, payload):
    return varint((number << 3) | 2) + varint(len(payload)) + payload


def deeply_nested(d):
    # 2000 If nodes, each in the then_branch of the one before: deeper than protobuf's
    # recursion limit. Serialized by hand, since the python protobuf refuses such depth.
    output = vinfo("y", F, [2]).SerializeToString()
    leaf = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "leaf", [],
                             [vinfo("y", F, [2])]).SerializeToString()

    def branch(name, graph):  # AttributeProto: name = 1, g = 6, type = 20
        return field(1, name) + field(6, graph) + varint(20 << 3) + varint(5)

    graph = leaf
    for _ in range(2000):  # NodeProto: input = 1, output = 2, op_type = 4, attribute = 5
        node = (field(1, b"c") + field(2, b"y") + field(4, b"If") +
                field(5, branch(b"then_branch", graph)) + field(5, branch(b"else_branch", leaf)))
        graph = field(1, node) + field(2, b"g") + field(12, output)  # GraphProto
    model = model_of([], [vinfo("x", F, [2]), vinfo("c", TensorProto.BOOL, [])],
                     [vinfo("y", F, [2])])
    model.graph.Clear()
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString() + field(7, graph))


def raw_tensor(name, elem, dims, data):
    # helper.make_tensor checks that data fits dims; these tensors must not.
    t = TensorProto(name=name, data_type=elem, raw_data=data)
    t.dims.extend(dims)
    return t


def huge_initializer_dims(d):
    # Declares 2^40 floats, holds 4 bytes.
    w = raw_tensor("w", F, [1 << 20, 1 << 20], b"\x00" * 4)
    save_model(model_of([helper.make_node("Add", ["x", "w"], ["y"])], [vinfo("x", F, [1])],
                        [vinfo("y", F, [1])], [w]), os.path.join(d, "model.onnx"))


def dims_overflow_int64(d):
    w = raw_tensor("w", F, [1 << 32, 1 << 32, 4], b"\x00" * 4)
    save_model(model_of([helper.make_node("Add", ["x", "w"], ["y"])], [vinfo("x", F, [1])],
                        [vinfo("y", F, [1])], [w]), os.path.join(d, "model.onnx"))


def input_dims_overflow(d):
    x = vinfo("x", F, [1 << 40, 1 << 40])
    save_model(model_of([helper.make_node("Relu", ["x"], ["y"])], [x], [vinfo("y", F, None)]),
               os.path.join(d, "model.onnx"))


def initializer_dims_disagree(d):
    w = TensorProto(name="w", data_type=F, dims=[3, 4], float_data=[1.0] * 5)
    save_model(model_of([helper.make_node("Add", ["x", "w"], ["y"])], [vinfo("x", F, [3, 4])],
                        [vinfo("y", F, [3, 4])], [w]), os.path.join(d, "model.onnx"))


def negative_initializer_dim(d):
    w = raw_tensor("w", F, [-4], b"")
    save_model(model_of([helper.make_node("Add", ["x", "w"], ["y"])], [vinfo("x", F, [4])],
                        [vinfo("y", F, [4])], [w]), os.path.join(d, "model.onnx"))


def undefined_value(d):
    save_model(model_of([helper.make_node("Add", ["x", "ghost"], ["y"])], [vinfo("x", F, [2])],
                        [vinfo("y", F, [2])]), os.path.join(d, "model.onnx"))


def cycle(d):
    nodes = [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
             helper.make_node("Relu", ["a"], ["b"], name="second")]
    save_model(model_of(nodes, [vinfo("x", F, [2])], [vinfo("b", F, [2])]),
               os.path.join(d, "model.onnx"))


def self_loop(d):
    nodes = [helper.make_node("Add", ["x", "y"], ["y"], name="loop")]
    save_model(model_of(nodes, [vinfo("x", F, [2])], [vinfo("y", F, [2])]),
               os.path.join(d, "model.onnx"))


def duplicate_outputs(d):
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="one"),
             helper.make_node("Neg", ["x"], ["y"], name="two")]
    save_model(model_of(nodes, [vinfo("x", F, [2])], [vinfo("y", F, [2])]),
               os.path.join(d, "model.onnx"))


def duplicate_inputs(d):
    save_model(model_of([helper.make_node("Relu", ["x"], ["y"])],
                        [vinfo("x", F, [2]), vinfo("x", F, [3])], [vinfo("y", F, [2])]),
               os.path.join(d, "model.onnx"))


def node_overwrites_input(d):
    save_model(model_of([helper.make_node("Relu", ["x"], ["x"], name="clobber")],
                        [vinfo("x", F, [2])], [vinfo("x", F, [2])]),
               os.path.join(d, "model.onnx"))


def opset_too_new(d):
    save_model(identity_model(opset=99), os.path.join(d, "model.onnx"))


def unknown_domain(d):
    node = helper.make_node("EvilOp", ["x"], ["y"], domain="com.evil", name="n")
    model = model_of([node], [vinfo("x", F, [2])], [vinfo("y", F, [2])])
    model.opset_import.append(helper.make_opsetid("com.evil", 1))
    save_model(model, os.path.join(d, "model.onnx"))


def attribute_wrong_type(d):
    node = helper.make_node("Transpose", ["x"], ["y"])
    node.attribute.append(helper.make_attribute("perm", 1.5))  # a FLOAT, not INTS
    save_model(model_of([node], [vinfo("x", F, [2, 3])], [vinfo("y", F, [3, 2])]),
               os.path.join(d, "model.onnx"))


def attribute_type_lies(d):
    # Declared INT, but carries only a float field: what the type claims is not there.
    node = helper.make_node("Softmax", ["x"], ["y"])
    attr = node.attribute.add()
    attr.name = "axis"
    attr.type = onnx.AttributeProto.STRINGS
    save_model(model_of([node], [vinfo("x", F, [2, 3])], [vinfo("y", F, [2, 3])]),
               os.path.join(d, "model.onnx"))


def axis_out_of_range(d):
    node = helper.make_node("Softmax", ["x"], ["y"], axis=5)
    save_model(model_of([node], [vinfo("x", F, [2, 3])], [vinfo("y", F, [2, 3])]),
               os.path.join(d, "model.onnx"))


def concat_axis_out_of_range(d):
    node = helper.make_node("Concat", ["x", "x"], ["y"], axis=-7)
    save_model(model_of([node], [vinfo("x", F, [2, 3])], [vinfo("y", F, None)]),
               os.path.join(d, "model.onnx"))


def gather_axis_out_of_range(d):
    node = helper.make_node("Gather", ["x", "i"], ["y"], axis=3)
    save_model(model_of([node], [vinfo("x", F, [2, 3]), vinfo("i", I64, [2])],
                        [vinfo("y", F, None)]), os.path.join(d, "model.onnx"))


def no_broadcast(d):
    node = helper.make_node("Add", ["x", "z"], ["y"])
    save_model(model_of([node], [vinfo("x", F, [2, 3]), vinfo("z", F, [4, 5])],
                        [vinfo("y", F, None)]), os.path.join(d, "model.onnx"))


def reshape_count_mismatch(d):
    shape = numpy_helper.from_array(np.array([7], dtype=np.int64), "shape")
    node = helper.make_node("Reshape", ["x", "shape"], ["y"])
    save_model(model_of([node], [vinfo("x", F, [2, 3])], [vinfo("y", F, None)], [shape]),
               os.path.join(d, "model.onnx"))


def huge_constant_of_shape(d):
    # 2^62 floats: the folder must not try to materialize them.
    shape = numpy_helper.from_array(np.array([1 << 31, 1 << 31], dtype=np.int64), "shape")
    nodes = [helper.make_node("ConstantOfShape", ["shape"], ["c"]),
             helper.make_node("Add", ["x", "c"], ["y"])]
    save_model(model_of(nodes, [vinfo("x", F, [1])], [vinfo("y", F, None)], [shape]),
               os.path.join(d, "model.onnx"))


def unknown_element_type(d):
    save_model(model_of([helper.make_node("Relu", ["x"], ["y"])], [vinfo("x", 99, [2])],
                        [vinfo("y", F, [2])]), os.path.join(d, "model.onnx"))


def missing_required_attribute(d):
    node = helper.make_node("Cast", ["x"], ["y"], name="cast_without_to")
    save_model(model_of([node], [vinfo("x", F, [2])], [vinfo("y", F, [2])]),
               os.path.join(d, "model.onnx"))


def too_many_inputs(d):
    node = helper.make_node("Relu", ["x", "x", "x"], ["y"], name="greedy")
    save_model(model_of([node], [vinfo("x", F, [2])], [vinfo("y", F, [2])]),
               os.path.join(d, "model.onnx"))


def external_model(d, location, declared_bytes=16, **entries):
    w = TensorProto(name="w", data_type=F, dims=[declared_bytes // 4])
    w.data_location = TensorProto.EXTERNAL
    for key, value in [("location", location), *entries.items()]:
        entry = w.external_data.add()
        entry.key, entry.value = key, str(value)
    save_model(model_of([helper.make_node("Add", ["x", "w"], ["y"])],
                        [vinfo("x", F, [declared_bytes // 4])],
                        [vinfo("y", F, [declared_bytes // 4])], [w]),
               os.path.join(d, "model.onnx"))


def external_dotdot(d):
    os.makedirs(os.path.join(d, "m"))
    with open(os.path.join(d, "secret.bin"), "wb") as f:
        f.write(b"\x00" * 16)
    external_model(os.path.join(d, "m"), "../secret.bin")
    os.rename(os.path.join(d, "m", "model.onnx"), os.path.join(d, "model.onnx.tmp"))
    # The model must sit in m/ for '..' to leave its folder.
    os.rename(os.path.join(d, "model.onnx.tmp"), os.path.join(d, "m", "model.onnx"))


def external_absolute(d):
    external_model(d, "/etc/passwd")


def external_symlink(d):
    # A name that stays inside the folder but is a link to a file outside it.
    os.makedirs(os.path.join(d, "outside"))
    with open(os.path.join(d, "outside", "secret.bin"), "wb") as f:
        f.write(b"\x00" * 16)
    os.makedirs(os.path.join(d, "m"))
    os.symlink(os.path.join(d, "outside", "secret.bin"), os.path.join(d, "m", "weights.bin"))
    external_model(os.path.join(d, "m"), "weights.bin")


def external_short(d):
    with open(os.path.join(d, "weights.bin"), "wb") as f:
        f.write(b"\x00" * 8)
    external_model(d, "weights.bin", declared_bytes=16)


def external_offset_past_end(d):
    with open(os.path.join(d, "weights.bin"), "wb") as f:
        f.write(b"\x00" * 16)
    external_model(d, "weights.bin", declared_bytes=16, offset=1 << 62, length=16)


def external_bad_offset(d):
    with open(os.path.join(d, "weights.bin"), "wb") as f:
        f.write(b"\x00" * 16)
    external_model(d, "weights.bin", declared_bytes=16, offset="sixteen")


def external_missing(d):
    external_model(d, "nowhere.bin")


def external_is_folder(d):
    os.makedirs(os.path.join(d, "weights.bin"))
    external_model(d, "weights.bin")


# ------------------------------------------------------------------------------------------
# Bad libraries and inputs for //tools:run. Each function writes DIR/model.so (or uses a
# library compiled once, see GOOD_MODELS) and DIR/in_K.pb / .npy inputs.


def save_tensor(array, path, name="x"):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array, name).SerializeToString())


def elf_not_omc(d):
    # A real shared library, just not an omc model.
    src = os.path.join(d, "lib.c")
    with open(src, "w") as f:
        f.write("int answer(void) { return 42; }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", os.path.join(d, "model.so"), src],
                   check=True)


def truncated_elf(d, good):
    with open(good["add"], "rb") as f:
        data = f.read()
    with open(os.path.join(d, "model.so"), "wb") as f:
        f.write(data[: len(data) // 3])


def elf_header_only(d):
    # An ELF identification followed by zeros.
    with open(os.path.join(d, "model.so"), "wb") as f:
        f.write(b"\x7fELF\x02\x01\x01" + b"\x00" * 57)


def npy_header_lies(d):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }"
    header += " " * (63 - len(header) % 64) + "\n"
    with open(os.path.join(d, "in_0.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(b"\x00" * 16)


def pb_dims_lie(d):
    t = numpy_helper.from_array(np.ones(4, dtype=np.float32), "x")
    del t.dims[:]
    t.dims.extend([1 << 40, 1 << 40])
    with open(os.path.join(d, "in_0.pb"), "wb") as f:
        f.write(t.SerializeToString())


def gather_index_too_big(d):
    save_tensor(np.array([0, 10, 2], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def gather_index_too_small(d):
    save_tensor(np.array([-11], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def gather_index_huge(d):
    save_tensor(np.array([1 << 62], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def gather_elements_index_too_big(d):
    save_tensor(np.array([[0, 1], [3, 2]], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def gather_elements_index_too_small(d):
    save_tensor(np.array([[0, -4], [1, 2]], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def gather_nd_tuple_out_of_range(d):
    # Data is 3x2: the tuple (1, 2) is past the end of dim 1.
    save_tensor(np.array([[0, 1], [1, 2]], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def scatter_index_too_big(d):
    save_tensor(np.array([[0, 3]], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def scatter_index_huge(d):
    save_tensor(np.array([[-(1 << 62), 0]], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def scatter_nd_tuple_out_of_range(d):
    # Data is 4x4: the tuple (4, 1) is past the end of dim 0.
    save_tensor(np.array([[0, 0], [4, 1]], dtype=np.int64), os.path.join(d, "in_0.pb"), "i")


def huge_allocation(d):
    # 2^30 x 2^30 float32: 2^62 bytes, which no malloc gives.
    save_tensor(np.array([1 << 30, 1 << 30], dtype=np.int64), os.path.join(d, "in_0.pb"),
                "shape")


def allocation_overflows(d):
    # 2^40 x 2^40 float32: the byte count wraps around 2^64.
    save_tensor(np.array([1 << 40, 1 << 40], dtype=np.int64), os.path.join(d, "in_0.pb"),
                "shape")


def allocation_wraps_to_zero(d):
    # 2^31 x 2^31 float32 is 2^64 bytes: exactly 0 once wrapped.
    save_tensor(np.array([1 << 31, 1 << 31], dtype=np.int64), os.path.join(d, "in_0.pb"),
                "shape")


def allocation_negative_dim(d):
    save_tensor(np.array([-5, 3], dtype=np.int64), os.path.join(d, "in_0.pb"), "shape")


def dyn_wrong_type(d):
    save_tensor(np.ones((2, 3), dtype=np.float64), os.path.join(d, "in_0.pb"))


def dyn_wrong_rank(d):
    save_tensor(np.ones((2, 3, 1), dtype=np.float32), os.path.join(d, "in_0.pb"))


def dyn_wrong_static_dim(d):
    save_tensor(np.ones((5, 4), dtype=np.float32), os.path.join(d, "in_0.pb"))


def reshape_shape_misfits(d):
    # 2 x 3 = 6 elements asked to become 4 x 2 = 8.
    save_tensor(np.ones((2, 3), dtype=np.float32), os.path.join(d, "in_0.pb"), "x")
    save_tensor(np.array([4, 2], dtype=np.int64), os.path.join(d, "in_1.pb"), "shape")


def reshape_shape_misfits_static(d):
    # 3 x 4 = 12 elements into a result of static dims 2 x 8 = 16.
    save_tensor(np.ones((3, 4), dtype=np.float32), os.path.join(d, "in_0.pb"), "x")


def dyn_too_many_inputs(d):
    for k in range(3):
        save_tensor(np.ones((2, 3), dtype=np.float32), os.path.join(d, "in_%d.pb" % k))


# The good models that the run rows need, compiled once: name -> (ONNX model, inputs).
def good_models():
    gather = model_of([helper.make_node("Gather", ["data", "i"], ["y"], axis=0, name="lookup")],
                      [vinfo("i", I64, [-1 if False else "n"])], [vinfo("y", F, None)],
                      [numpy_helper.from_array(np.arange(40, dtype=np.float32).reshape(10, 4),
                                               "data")])
    dynamic = model_of([helper.make_node("Relu", ["x"], ["y"])], [vinfo("x", F, ["batch", 3])],
                       [vinfo("y", F, ["batch", 3])])
    add = model_of([helper.make_node("Add", ["x", "x"], ["y"])], [vinfo("x", F, [2])],
                   [vinfo("y", F, [2])])
    gather_elements = model_of(
        [helper.make_node("GatherElements", ["data", "i"], ["y"], axis=1, name="pick")],
        [vinfo("i", I64, [2, 2])], [vinfo("y", F, [2, 2])],
        [numpy_helper.from_array(np.arange(9, dtype=np.float32).reshape(3, 3), "data")])
    gather_nd = model_of(
        [helper.make_node("GatherND", ["data", "i"], ["y"], name="pick_nd")],
        [vinfo("i", I64, [2, 2])], [vinfo("y", F, [2])],
        [numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(3, 2), "data")])
    # A Reshape whose shape is an input, and one to static dims from an input of run-time
    # dims: followed by a Relu, so that the reshaped buffer is read, not just returned.
    reshape = model_of([helper.make_node("Reshape", ["x", "shape"], ["r"], name="refold"),
                        helper.make_node("Relu", ["r"], ["y"])],
                       [vinfo("x", F, ["a", "b"]), vinfo("shape", I64, [2])],
                       [vinfo("y", F, ["c", "d"])])
    reshape_static = model_of(
        [helper.make_node("Reshape", ["x", "shape"], ["r"], name="refold"),
         helper.make_node("Relu", ["r"], ["y"])],
        [vinfo("x", F, ["a", 4])], [vinfo("y", F, [2, 8])],
        [numpy_helper.from_array(np.array([2, 8], dtype=np.int64), "shape")])
    models = {"gather": gather, "dynamic": dynamic, "add": add, "reshape": reshape,
              "reshape_static": reshape_static,
              "gather_elements": gather_elements, "gather_nd": gather_nd}
    # ScatterElements, and the deprecated Scatter (opset 10) it replaced.
    for op, opset in (("ScatterElements", 17), ("Scatter", 10)):
        models[op.lower()] = model_of(
            [helper.make_node(op, ["data", "i", "u"], ["y"], axis=1, name="put")],
            [vinfo("i", I64, [1, 2])], [vinfo("y", F, [3, 3])],
            [numpy_helper.from_array(np.zeros((3, 3), dtype=np.float32), "data"),
             numpy_helper.from_array(np.ones((1, 2), dtype=np.float32), "u")], opset=opset)
    models["scatter_nd"] = model_of(
        [helper.make_node("ScatterND", ["data", "i", "u"], ["y"], name="put_nd")],
        [vinfo("i", I64, [2, 2])], [vinfo("y", F, [4, 4])],
        [numpy_helper.from_array(np.zeros((4, 4), dtype=np.float32), "data"),
         numpy_helper.from_array(np.ones(2, dtype=np.float32), "u")])
    models["allocate"] = model_of(
        [helper.make_node("ConstantOfShape", ["shape"], ["y"])], [vinfo("shape", I64, [2])],
        [vinfo("y", F, ["a", "b"])])
    return models


@dataclass
class Case:
    name: str
    tool: str  # "compile" or "run"
    make: Callable
    patterns: List[str]
    model: str = ""  # run rows: the good model of good_models(), or "" for DIR/model.so
    needs_good: bool = False  # make(d, good) gets the compiled good models


CASES = [
    # --- The file itself.
    Case("empty file", "compile", empty_file, ["empty"]),
    Case("undefined wire type", "compile", garbage_wire_types, ["not a valid onnx model"]),
    Case("truncated inside an initializer", "compile", truncated_in_initializer,
         ["not a valid onnx model", "truncated"]),
    Case("declared length of 2^40 bytes", "compile", huge_declared_length,
         ["not a valid onnx model"]),
    Case("2000 nested subgraphs", "compile", deeply_nested, ["not a valid onnx model"]),
    # --- Tensors whose sizes lie.
    Case("initializer of 2^40 elements, 4 bytes", "compile", huge_initializer_dims,
         ["'w'", "bytes"]),
    Case("initializer dims overflow int64", "compile", dims_overflow_int64,
         ["'w'", "64 bits|overflow"]),
    Case("input dims overflow int64", "compile", input_dims_overflow, ["'x'", "64 bits|overflow"]),
    Case("initializer dims disagree with data", "compile", initializer_dims_disagree,
         ["'w'", "12"]),
    Case("negative initializer dim", "compile", negative_initializer_dim, ["'w'", "negative"]),
    # --- The graph.
    Case("undefined value", "compile", undefined_value, ["'ghost'"]),
    Case("cycle of two nodes", "compile", cycle, ["cycle|defines|order"]),
    Case("node reads its own output", "compile", self_loop, ["'y'"]),
    Case("two nodes define one value", "compile", duplicate_outputs, ["'y'", "more than once|duplicate|twice"]),
    Case("two graph inputs of one name", "compile", duplicate_inputs,
         ["'x'", "more than once|duplicate|twice"]),
    Case("node redefines a graph input", "compile", node_overwrites_input,
         ["'x'", "more than once|duplicate|twice"]),
    Case("opset 99", "compile", opset_too_new, ["opset 99", "17"]),
    Case("unknown domain", "compile", unknown_domain, ["EvilOp", "com\\.evil"]),
    Case("unknown element type", "compile", unknown_element_type, ["'x'", "element type"]),
    Case("attribute of the wrong type", "compile", attribute_wrong_type, ["perm"]),
    Case("attribute type without its value", "compile", attribute_type_lies, ["axis"]),
    Case("missing required attribute", "compile", missing_required_attribute, ["'to'|\\bto\\b"]),
    Case("too many node inputs", "compile", too_many_inputs, ["Relu", "input"]),
    Case("Softmax axis out of range", "compile", axis_out_of_range, ["axis"]),
    Case("Concat axis out of range", "compile", concat_axis_out_of_range, ["axis"]),
    Case("Gather axis out of range", "compile", gather_axis_out_of_range, ["axis"]),
    Case("shapes that cannot broadcast", "compile", no_broadcast, ["broadcast"]),
    Case("Reshape to another element count", "compile", reshape_count_mismatch,
         ["reshape"]),
    Case("ConstantOfShape of 2^62 elements", "compile", huge_constant_of_shape,
         ["ConstantOfShape", "2\\^47 bytes"]),
    # --- External data.
    Case("external data '../' escape", "compile", external_dotdot, ["escapes"]),
    Case("external data absolute path", "compile", external_absolute, ["escapes"]),
    Case("external data symlink escape", "compile", external_symlink, ["escapes"]),
    Case("external data file too short", "compile", external_short, ["shorter"]),
    Case("external data offset 2^62", "compile", external_offset_past_end, ["shorter|offset"]),
    Case("external data offset not a number", "compile", external_bad_offset,
         ["offset", "sixteen"]),
    Case("external data file missing", "compile", external_missing, ["nowhere\\.bin"]),
    Case("external data is a folder", "compile", external_is_folder, ["weights\\.bin"]),
    # --- Libraries and inputs at run time.
    Case("shared library that is not an omc model", "run", elf_not_omc,
         ["not an omc model"]),
    Case("truncated model library", "run", truncated_elf, ["model\\.so"], needs_good=True),
    Case("ELF header and nothing else", "run", elf_header_only, ["model\\.so"]),
    Case(".npy header claims 10^12 elements", "run", npy_header_lies, ["in_0\\.npy"],
         model="dynamic"),
    Case(".pb dims claim 2^80 elements", "run", pb_dims_lie, ["in_0\\.pb"], model="dynamic"),
    Case("dynamic model, float64 input", "run", dyn_wrong_type, ["float64", "float32"],
         model="dynamic"),
    Case("dynamic model, rank 3 input", "run", dyn_wrong_rank, ["rank 2", "rank 3"],
         model="dynamic"),
    Case("dynamic model, static dim wrong", "run", dyn_wrong_static_dim,
         ["dim 1 is 4", "expected 3"], model="dynamic"),
    Case("dynamic model, 3 inputs for 1", "run", dyn_too_many_inputs, ["1 input", "got 3"],
         model="dynamic"),
    Case("Gather index 10 on axis of 10", "run", gather_index_too_big,
         ["Gather", "lookup", "out of range"], model="gather"),
    Case("Gather index -11 on axis of 10", "run", gather_index_too_small,
         ["Gather", "out of range"], model="gather"),
    Case("Gather index 2^62", "run", gather_index_huge, ["Gather", "out of range"],
         model="gather"),
    Case("GatherElements index 3 on axis of 3", "run", gather_elements_index_too_big,
         ["GatherElements", "'pick'", "out of range", "axis 1"], model="gather_elements"),
    Case("GatherElements index -4 on axis of 3", "run", gather_elements_index_too_small,
         ["GatherElements", "out of range"], model="gather_elements"),
    Case("GatherND tuple past dim 1", "run", gather_nd_tuple_out_of_range,
         ["GatherND", "'pick_nd'", "out of range"], model="gather_nd"),
    Case("ScatterElements index 3 on axis of 3", "run", scatter_index_too_big,
         ["ScatterElements", "'put'", "out of range", "axis 1"], model="scatterelements"),
    Case("ScatterElements index -2^62", "run", scatter_index_huge,
         ["ScatterElements", "out of range"], model="scatterelements"),
    # ONNX's version converter turns Scatter into ScatterElements, without the node name.
    Case("Scatter (opset 10) index 3 on axis of 3", "run", scatter_index_too_big,
         ["ScatterElements", "out of range", "axis 1"], model="scatter"),
    Case("ScatterND tuple past dim 0", "run", scatter_nd_tuple_out_of_range,
         ["ScatterND", "'put_nd'", "out of range"], model="scatter_nd"),
    Case("Reshape of 6 elements to 4 x 2 at run time", "run", reshape_shape_misfits,
         ["Reshape", "'refold'", "element count"], model="reshape"),
    Case("Reshape of 12 elements to static 2 x 8", "run", reshape_shape_misfits_static,
         ["Reshape", "'refold'", "element count"], model="reshape_static"),
    # --- Resources while running.
    Case("ConstantOfShape of 2^62 bytes at run time", "run", huge_allocation,
         ["out of memory allocating [0-9]+ bytes"], model="allocate"),
    Case("ConstantOfShape of 2^80 elements at run time", "run", allocation_overflows,
         ["dims are negative or need over 2\\^63 bytes"], model="allocate"),
    Case("ConstantOfShape of 2^64 bytes at run time", "run", allocation_wraps_to_zero,
         ["dims are negative or need over 2\\^63 bytes"], model="allocate"),
    Case("ConstantOfShape with a negative dim at run time", "run", allocation_negative_dim,
         ["dims are negative"], model="allocate"),
]


def run_case(case, tools, work, good):
    d = os.path.join(work, "".join(c if c.isalnum() else "_" for c in case.name))
    os.makedirs(d)
    if case.needs_good:
        case.make(d, good)
    else:
        case.make(d)
    if case.tool == "compile":
        model = os.path.join(d, "m", "model.onnx")
        if not os.path.exists(model):
            model = os.path.join(d, "model.onnx")
        command = [tools.compile, "-o", os.path.join(d, "out.so"), model]
    else:
        library = good[case.model] if case.model else os.path.join(d, "model.so")
        inputs = sorted(f for f in os.listdir(d) if f.startswith("in_"))
        if not inputs and case.model == "":
            save_tensor(np.ones(2, dtype=np.float32), os.path.join(d, "in_0.pb"))
            inputs = ["in_0.pb"]
        command = [tools.run, library, "--output-dir", os.path.join(d, "out")]
        for name in inputs:
            command += ["--input", os.path.join(d, name)]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "timed out after %ds" % TIMEOUT_S, ""
    stderr = done.stderr.decode(errors="replace")
    lines = stderr.splitlines()
    if done.returncode < 0:
        return "crashed: signal %d" % -done.returncode, stderr
    if done.returncode != 1:
        return "exit status %d, expected 1" % done.returncode, stderr
    if len(lines) != 1:
        return "%d lines on stderr, expected exactly 1" % len(lines), stderr
    import re
    for pattern in case.patterns:
        if not re.search(pattern, lines[0], re.IGNORECASE):
            return "stderr does not match /%s/" % pattern, stderr
    return "", stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--only", default="", help="run the rows whose name contains this")
    parser.add_argument("--keep", help="make the files in this folder and keep them")
    tools = parser.parse_args()
    tools.compile = os.path.abspath(tools.compile)
    tools.run = os.path.abspath(tools.run)

    work = tools.keep or tempfile.mkdtemp(prefix="omc-hostile.",
                                          dir=os.environ.get("TEST_TMPDIR"))
    os.makedirs(work, exist_ok=True)
    try:
        cases = [c for c in CASES if tools.only in c.name]
        good = {}
        for name, model in good_models().items():
            if not any(c.model == name or c.needs_good for c in cases):
                continue
            path = os.path.join(work, name + ".onnx")
            save_model(model, path)
            good[name] = os.path.join(work, name + ".so")
            done = subprocess.run([tools.compile, "-o", good[name], path], capture_output=True,
                                  timeout=TIMEOUT_S)
            if done.returncode != 0:
                print("cannot compile the good model %s: %s" % (name, done.stderr.decode()))
                return 1
        passed = failed = 0
        for case in cases:
            reason, stderr = run_case(case, tools, work, good)
            if reason:
                failed += 1
                print("FAIL %s: %s" % (case.name, reason))
                for line in stderr.splitlines()[:5]:
                    print("    stderr: " + line[:300])
            else:
                passed += 1
                print("PASS %s: %s" % (case.name, stderr.strip()[:300]))
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed else 0
    finally:
        if not tools.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
