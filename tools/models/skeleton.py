#!/usr/bin/python3
"""A model without its large weights, and the model again with weights like them.

The GPU machine cannot receive GPT-2 124M's 500 MB of weights (its transfers are capped near
64 MiB), and needs none of their values to time a model or to compare two runtimes on it:

    /usr/bin/python3 tools/models/skeleton.py strip gpt2-124M.onnx gpt2-124M.skeleton.onnx
    python3 tools/models/skeleton.py fill gpt2-124M.skeleton.onnx gpt2-124M.onnx

strip keeps every initializer of fewer than --keep elements (shapes, indices, scalars) as it
is, and replaces each larger float32 one by its name, dims, mean and standard deviation (the
model's metadata entry omc.skeleton). fill draws each from a normal distribution with that
mean and deviation, seeded by a CRC of its name, so that every machine makes the same model.
Needs onnx and numpy alone (not torch).
"""
import argparse
import json
import os
import sys
import zlib

import numpy as np
import onnx
from onnx import numpy_helper

KEY = "omc.skeleton"


def strip(args):
    model = onnx.load(args.input)
    recipe = {}
    for tensor in model.graph.initializer:
        if tensor.data_type != onnx.TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(tensor)
        if values.size < args.keep:
            continue
        recipe[tensor.name] = [float(values.mean()), float(values.std())]
        name, dims = tensor.name, list(tensor.dims)
        tensor.Clear()
        tensor.name, tensor.data_type = name, onnx.TensorProto.FLOAT
        tensor.dims.extend(dims)
    model.metadata_props.add(key=KEY, value=json.dumps(recipe))
    onnx.save(model, args.output)
    print(f"{args.output}: {len(recipe)} initializers replaced by their mean and deviation")


def fill(args):
    model = onnx.load(args.input)
    entries = [p for p in model.metadata_props if p.key == KEY]
    if not entries:
        sys.exit(f"skeleton.py: error: {args.input} has no {KEY} entry (not made by strip)")
    recipe = json.loads(entries[0].value)
    for tensor in model.graph.initializer:
        if tensor.name not in recipe:
            continue
        mean, std = recipe[tensor.name]
        rng = np.random.default_rng(zlib.crc32(tensor.name.encode()))
        values = rng.normal(mean, std, size=list(tensor.dims)).astype(np.float32)
        tensor.CopyFrom(numpy_helper.from_array(values, tensor.name))
    kept = [p for p in model.metadata_props if p.key != KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    onnx.save(model, args.output)
    print(f"{args.output}: {len(recipe)} initializers drawn")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("strip", help="replace large float32 initializers by their statistics")
    s.add_argument("input")
    s.add_argument("output")
    s.add_argument("--keep", type=int, default=1024,
                   help="keep initializers of fewer elements as they are (1024)")
    s.set_defaults(run=strip)
    f = sub.add_parser("fill", help="draw the replaced initializers")
    f.add_argument("input")
    f.add_argument("output")
    f.set_defaults(run=fill)
    args = parser.parse_args()
    if not os.path.isfile(args.input):
        sys.exit(f"skeleton.py: error: {args.input}: no such file")
    args.run(args)


if __name__ == "__main__":
    main()
