#!/usr/bin/python3
"""Exports the example's model, a small MLP with random weights, and its test data.

    /usr/bin/python3 examples/mlp/export_mlp.py

writes examples/mlp/mlp.onnx (batch left dynamic: the Bazel rule fixes it with `shapes`) and
examples/mlp/test_data_set_0/{input_0,output_0}.pb, whose output torch computed: the reference
//examples:mlp_test compares omc's result with. tools/models/check_with_onnxruntime.js checks
the same data against onnxruntime (//examples:mlp_reference_test).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "models"))
import export_util  # noqa: E402

BATCH, FEATURES, HIDDEN, CLASSES = 2, 16, 32, 10


def main():
    torch.manual_seed(10)
    model = torch.nn.Sequential(
        torch.nn.Linear(FEATURES, HIDDEN),
        torch.nn.ReLU(),
        torch.nn.Linear(HIDDEN, CLASSES),
        torch.nn.Softmax(dim=-1),
    ).eval()
    x = torch.rand(BATCH, FEATURES) * 2 - 1
    path = os.path.join(HERE, "mlp.onnx")
    export_util.export(model, (x,), path, ["x"], ["probabilities"],
                       {"x": {0: "batch"}, "probabilities": {0: "batch"}}, opset=17)
    with torch.no_grad():
        y = model(x)
    export_util.write_test_data(os.path.join(HERE, "test_data_set_0"),
                                [("x", x.numpy())], [("probabilities", y.numpy())])


if __name__ == "__main__":
    main()
