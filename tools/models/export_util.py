"""Helpers shared by the export scripts in this folder: timing, export, checking, test data.

Standard library + torch + onnx + numpy only, so the scripts run under Debian's /usr/bin/python3.
"""

import os
import sys
import time
from collections import Counter

import numpy as np
import onnx
import onnx.numpy_helper
import torch


def die(message):
    """One line on stderr and exit status 2, the convention for bad arguments."""
    print(f"{os.path.basename(sys.argv[0])}: error: {message}", file=sys.stderr)
    sys.exit(2)


def check_opset(opset, minimum=None):
    """Checks --opset before a long build: torch.onnx refuses bad ones with a long traceback."""
    from torch.onnx import _constants
    low, high = _constants.ONNX_MIN_OPSET, _constants.ONNX_MAX_OPSET
    if minimum is not None and opset < minimum:
        die(f"--opset {opset}: this model needs opset {minimum} or later")
    if not low <= opset <= high:
        die(f"--opset {opset}: torch {torch.__version__} exports opsets {low}..{high}")


def check_output_path(path):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        die(f"output folder {folder} does not exist")


class Step:
    """`with Step("exporting"):` prints the step and how long it took."""

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        print(f"{self.what} ...", flush=True)
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            print(f"{self.what}: {time.perf_counter() - self.start:.1f} s", flush=True)


def human_size(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024


def export(model, args, path, input_names, output_names, dynamic_axes, opset):
    """torch.onnx.export with the settings both scripts use."""
    # Not under torch.no_grad(): without autograd, nn.MultiheadAttention takes its fused fast
    # path (aten::_native_multi_head_attention), which has no ONNX export.
    torch.onnx.export(
        model, args, path,
        input_names=input_names, output_names=output_names,
        dynamic_axes=dynamic_axes or None,
        opset_version=opset,
        do_constant_folding=True,
        export_params=True,
    )


def check_and_summarize(path, num_params):
    """Runs the ONNX checker on the file and prints the parameter count, size and op types."""
    with Step("checking"):
        # The path form also works for models past protobuf's 2 GB limit (external data).
        onnx.checker.check_model(path)
    # Loading without external data is enough to count nodes, and cheap for any size.
    model = onnx.load(path, load_external_data=False)
    ops = Counter(node.op_type for node in model.graph.node)
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), "?")
    print(f"parameters: {num_params:,}")
    print(f"file: {path} ({human_size(os.path.getsize(path))}, {os.path.getsize(path):,} bytes)")
    print(f"opset: {opset}; nodes: {sum(ops.values())}; "
          f"initializers: {len(model.graph.initializer)}")
    print("op types: " + ", ".join(f"{op} {n}" for op, n in sorted(ops.items())))


def write_test_data(folder, inputs, outputs):
    """Writes input_K.pb / output_K.pb TensorProtos like the ONNX backend test data sets, so the
    exported model can be checked with tools/run and tools/models/check_with_onnxruntime.js."""
    os.makedirs(folder, exist_ok=True)
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for k, (name, value) in enumerate(tensors):
            proto = onnx.numpy_helper.from_array(np.ascontiguousarray(value), name)
            with open(os.path.join(folder, f"{kind}_{k}.pb"), "wb") as f:
                f.write(proto.SerializeToString())
    print(f"test data: {folder}/ ({len(inputs)} inputs, {len(outputs)} outputs from torch)")
