"""Loads ONNX backend test data and compares outputs with it, for the test runners.

The ONNX backend test data has, per case, model.onnx and test_data_set_*/{input,output}_K.pb.
Each .pb holds one value of the model's K-th graph input or output: a TensorProto for a tensor,
a SequenceProto for a sequence, an OptionalProto for an optional (the model's type says which
one to parse). Loaded values are numpy arrays, lists (sequences), dicts (maps) and None (an
empty optional).

Values compare equal when they have the same structure and every tensor has the same element
type and shape and values within rtol 1e-3 / atol 1e-7 for floating point (NaN equals NaN),
exactly equal for integers, booleans and strings.

Every problem raises CheckFailure with a one-line message; its `cause` is a short, fixed
phrase (e.g. "wrong values") that runners use to group failures.

Uses only the standard library, numpy and onnx.
"""

import os
import re

import numpy as np
import onnx
from onnx import numpy_helper

RTOL = 1e-3
ATOL = 1e-7


class CheckFailure(Exception):
    """A test data file cannot be used, or an output differs from the expected one."""

    def __init__(self, message, cause="bad test data"):
        super().__init__(message)
        self.cause = cause


def numbered(folder, prefix):
    """The files PREFIX_K.pb in FOLDER, ordered by K (so input_10 comes after input_9)."""
    pattern = re.compile(re.escape(prefix) + r"_(\d+)\.pb$")
    found = []
    for name in os.listdir(folder):
        match = pattern.match(name)
        if match:
            found.append((int(match.group(1)), os.path.join(folder, name)))
    found.sort()
    for expected_index, (index, path) in enumerate(found):
        if index != expected_index:
            raise CheckFailure(f"{folder}: {prefix}_{expected_index}.pb is missing")
    return [path for _, path in found]


def value_kind(type_proto):
    """"tensor", "sequence", "optional", "map", "sparse_tensor" (or "unknown") for a TypeProto."""
    return (type_proto.WhichOneof("value") or "unknown").removesuffix("_type")


def graph_kinds(model_path):
    """([input kinds], [output kinds]) of the model's graph, in graph order.

    The K-th data file belongs to the K-th graph input or output, as in ONNX's own backend
    test runner (initializers listed as inputs come after the real inputs)."""
    try:
        model = onnx.load(model_path, load_external_data=False)
    except Exception as e:  # OSError, protobuf's DecodeError
        raise CheckFailure(f"cannot load {model_path}: {e}")
    return ([value_kind(v.type) for v in model.graph.input],
            [value_kind(v.type) for v in model.graph.output])


# Ops whose outputs are random draws: no two runtimes (or two runs) agree on the values.
RANDOM_OPS = {"Bernoulli", "Multinomial", "RandomNormal", "RandomNormalLike", "RandomUniform",
              "RandomUniformLike"}


def graph_random_outputs(model_path):
    """{output indices} of the graph whose values depend on a random op's draw."""
    model = onnx.load(model_path, load_external_data=False)
    drawn = set()
    for node in model.graph.node:  # ONNX graphs list nodes in topological order
        if node.op_type in RANDOM_OPS or any(name in drawn for name in node.input):
            drawn.update(name for name in node.output if name)
    return {k for k, v in enumerate(model.graph.output) if v.name in drawn}


def compare_random(name, actual, expected):
    """Checks a random output by what does not depend on the draw: element type, shape,
    and the values a draw can give: 0 or 1 where every expected value is 0 or 1 (a
    Bernoulli draw), else finite numbers within the expected values' range widened by its
    width on either side. (tests/e2e/random_ops_test.py checks the distributions.)"""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.dtype != expected.dtype or actual.shape != expected.shape or actual.size == 0:
        _compare_arrays(name, actual, expected)  # reports the type or shape mismatch
        return
    wide_a, wide_e = actual.astype(np.float64), expected.astype(np.float64)
    if np.isin(wide_e, (0, 1)).all():
        bad = ~np.isin(wide_a, (0, 1))
        allowed = "0 or 1"
    else:
        low, high = wide_e.min(), wide_e.max()
        width = max(high - low, 1.0)
        bad = ~(np.isfinite(wide_a) & (wide_a >= low - width) & (wide_a <= high + width))
        allowed = f"finite and within [{low - width:g}, {high + width:g}]"
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CheckFailure(f"{name}: {int(bad.sum())} of {bad.size} random values are not "
                           f"{allowed}; first at {list(first)}: {actual[first]!r}",
                           cause="wrong values")


def graph_bfloat16(model_path):
    """({input indices}, {output indices}) of the graph's bfloat16 tensors.

    ONNX 1.12's backend test data stores bfloat16 values as UINT16 tensors holding their
    bits; a runner retags those files as BFLOAT16 (retag_bfloat16, load_value's
    as_bfloat16) rather than weaken the type checks of the tools."""
    model = onnx.load(model_path, load_external_data=False)

    def positions(values):
        return {i for i, v in enumerate(values) if v.type.WhichOneof("value") == "tensor_type"
                and v.type.tensor_type.elem_type == onnx.TensorProto.BFLOAT16}
    return positions(model.graph.input), positions(model.graph.output)


def _retagged(proto):
    """PROTO as BFLOAT16 when it is a UINT16 tensor (the bits are the same); else PROTO."""
    if isinstance(proto, onnx.TensorProto) and proto.data_type == onnx.TensorProto.UINT16:
        proto.data_type = onnx.TensorProto.BFLOAT16
    return proto


def retag_bfloat16(path, out_path):
    """Writes PATH's tensor to OUT_PATH retagged as BFLOAT16 (see graph_bfloat16)."""
    proto = _parse(path, onnx.TensorProto)
    with open(out_path, "wb") as f:
        f.write(_retagged(proto).SerializeToString())
    return out_path


_PROTOS = {
    "tensor": (onnx.TensorProto, numpy_helper.to_array),
    "sequence": (onnx.SequenceProto, numpy_helper.to_list),
    "optional": (onnx.OptionalProto, numpy_helper.to_optional),
}


def _parse(path, proto_class):
    proto = proto_class()
    try:
        with open(path, "rb") as f:
            proto.ParseFromString(f.read())
    except OSError as e:
        raise CheckFailure(f"cannot read {path}: {e.strerror}")
    except Exception as e:  # protobuf's DecodeError and friends
        raise CheckFailure(f"{path} is not a {proto_class.__name__}: {e}")
    return proto


def load_value(path, kind="tensor", as_bfloat16=False):
    """The value in PATH, parsed as the proto for KIND (see value_kind); with AS_BFLOAT16, a
    UINT16 tensor is read as the bfloat16 bits it holds (see graph_bfloat16)."""
    if kind not in _PROTOS:
        raise CheckFailure(f"{path}: cannot load a {kind} value")
    proto_class, convert = _PROTOS[kind]
    proto = _parse(path, proto_class)
    if as_bfloat16:
        proto = _retagged(proto)
    try:
        return convert(proto)
    except Exception as e:
        raise CheckFailure(f"{path}: cannot convert the {proto_class.__name__}: {e}")


def load_tensor(path):
    return load_value(path, "tensor")


def compare(name, actual, expected):
    """Raises CheckFailure when ACTUAL is not EXPECTED within the tolerances."""
    if expected is None or actual is None:  # empty optionals
        if expected is None and actual is None:
            return
        got, want = ("a value", "an empty optional") if expected is None else (
            "an empty optional", "a value")
        raise CheckFailure(f"{name}: got {got}, expected {want}", cause="wrong structure")
    if isinstance(expected, list):
        if not isinstance(actual, list):
            raise CheckFailure(f"{name}: got a {type(actual).__name__}, expected a sequence",
                               cause="wrong structure")
        if len(actual) != len(expected):
            raise CheckFailure(f"{name}: sequence of {len(actual)}, expected {len(expected)}",
                               cause="wrong structure")
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare(f"{name}[{i}]", a, e)
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or sorted(actual) != sorted(expected):
            raise CheckFailure(f"{name}: not a map with the expected keys",
                               cause="wrong structure")
        for key in sorted(expected):
            compare(f"{name}[{key!r}]", actual[key], expected[key])
        return
    _compare_arrays(name, np.asarray(actual), np.asarray(expected))


def _compare_arrays(name, actual, expected):
    if actual.dtype != expected.dtype:
        raise CheckFailure(f"{name}: element type {actual.dtype}, expected {expected.dtype}",
                           cause="wrong element type")
    if actual.shape != expected.shape:
        raise CheckFailure(f"{name}: shape {list(actual.shape)}, expected {list(expected.shape)}",
                           cause="wrong shape")
    if actual.size == 0:
        return
    floating = np.issubdtype(expected.dtype, np.inexact)
    if floating:
        ok = np.isclose(actual, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:  # integers, bool, strings: exact
        ok = actual == expected
    ok = np.asarray(ok)
    if ok.all():
        return
    bad = int(ok.size - np.count_nonzero(ok))
    first = tuple(int(i) for i in np.argwhere(~ok)[0])
    detail = (f"{bad} of {ok.size} values differ; first at {list(first)}: "
              f"got {actual[first]!r}, expected {expected[first]!r}")
    if floating:
        wide = np.complex128 if np.iscomplexobj(expected) else np.float64
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(actual.astype(wide) - expected.astype(wide))
        diff = diff[~ok]
        diff = diff[np.isfinite(diff)]
        if diff.size:
            detail += f"; max abs diff {diff.max():.6g}"
        detail += f" (rtol {RTOL:g}, atol {ATOL:g})"
    raise CheckFailure(f"{name}: {detail}", cause="wrong values")
