#!/usr/bin/python3
"""Real models import: GPT-2 (tiny and 124M) and ResNet-50, exported by tools/models/.

    model_import_test.py --compile PATH --models-dir DIR

For each model this script exports it with random weights (tools/models/export_*.py under
/usr/bin/python3 and Debian's torch), then runs

    compile --emit=onnx --elide-constants -o OUT.mlir MODEL.onnx                 (dynamic)
    compile --emit=onnx --elide-constants --shape=NAME=DIMS -o OUT.mlir MODEL.onnx

and checks that both succeed, that the first leaves no unranked type and the second no
dynamic dim in any tensor type (no `?` and no unranked `*`), and that the composites were
recognized in both (for GPT-2 one LayerNormalization per block norm plus the final one, one
Gelu and one attention per block). It prints a
line per check with the time it took and `N passed, N failed` last.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

# (name, export command after the script, --shape, expected op counts after --shape)
MODELS = [
    ("gpt2-tiny", ["export_gpt2.py", "--config", "tiny"], "input_ids=1x16",
     {"onnx.LayerNormalization": 5, "onnx.Gelu": 2,
      "onnx.ScaledDotProductAttention": 2}),
    ("gpt2-124M", ["export_gpt2.py", "--config", "124M"], "input_ids=1x128",
     {"onnx.LayerNormalization": 25, "onnx.Gelu": 12,
      "onnx.ScaledDotProductAttention": 12}),
    # 53 convolutions, the 16 that close a residual block with their Add (onnx.ConvAdd).
    ("resnet50", ["export_torchvision.py", "--model", "resnet50", "--dynamic-batch"],
     "input=1x3x224x224", {"onnx.Conv": 37, "onnx.ConvAdd": 16}),
]

TENSOR_TYPE = re.compile(r"tensor<([^<>]*(?:<[^<>]*>)?[^<>]*)>")


class Failure(Exception):
    pass


def run(argv, what, timeout):
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"{what} timed out after {timeout}s")
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise Failure(f"{what} exited {proc.returncode}: {' | '.join(tail)}")
    return time.monotonic() - start


def dynamic_types(mlir_text):
    """The tensor types in the text that have a dynamic dim or no rank."""
    found = set()
    for match in TENSOR_TYPE.finditer(mlir_text):
        body = match.group(1)
        if body.startswith("*") or "?" in body.split("x"):
            found.add("tensor<" + body + ">")
    return sorted(found)


def check_model(args, work, name, export, shape, expected_ops):
    model = os.path.join(work, name + ".onnx")
    seconds = run([sys.executable, os.path.join(args.models_dir, export[0]), *export[1:],
                   "-o", model], f"exporting {name}", 1800)
    print(f"  exported {name} in {seconds:.1f}s ({os.path.getsize(model) / 1e6:.1f} MB)",
          flush=True)

    dynamic_out = os.path.join(work, name + ".dynamic.mlir")
    seconds = run([args.compile, "--emit=onnx", "--elide-constants", "-o", dynamic_out, model],
                  f"compile --emit=onnx {name}", 600)
    print(f"  imported {name} (dynamic dims) in {seconds:.1f}s", flush=True)
    # With dynamic dims the composites must be recognized as well, and no type left unranked.
    with open(dynamic_out) as f:
        text = f.read()
    unranked = [t for t in dynamic_types(text) if t.startswith("tensor<*")]
    if unranked:
        raise Failure(f"{len(unranked)} tensor type(s) unranked without --shape, "
                      f"e.g. {', '.join(unranked[:3])}")
    for op, count in expected_ops.items():
        found = len(re.findall(re.escape(op) + r"\b", text))
        if found != count:
            raise Failure(f"{found} {op} without --shape, expected {count}")

    static_out = os.path.join(work, name + ".static.mlir")
    seconds = run([args.compile, "--emit=onnx", "--elide-constants", f"--shape={shape}",
                   "-o", static_out, model], f"compile --emit=onnx --shape={shape} {name}", 600)
    print(f"  imported {name} with --shape={shape} in {seconds:.1f}s", flush=True)
    with open(static_out) as f:
        text = f.read()
    dynamic = dynamic_types(text)
    if dynamic:
        raise Failure(f"{len(dynamic)} tensor type(s) still dynamic with --shape={shape}, "
                      f"e.g. {', '.join(dynamic[:3])}")
    for op, count in expected_ops.items():
        found = len(re.findall(re.escape(op) + r"\b", text))
        if found != count:
            raise Failure(f"{found} {op} after --shape, expected {count}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", required=True)
    parser.add_argument("--models-dir", required=True, help="tools/models")
    parser.add_argument("only", nargs="*", help="model names to check (all)")
    args = parser.parse_args()
    args.compile = os.path.abspath(args.compile)
    args.models_dir = os.path.abspath(args.models_dir)

    passed = failed = 0
    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as work:
        for name, export, shape, expected_ops in MODELS:
            if args.only and name not in args.only:
                continue
            try:
                check_model(args, work, name, export, shape, expected_ops)
            except Failure as e:
                failed += 1
                print(f"FAIL {name}: {e}", flush=True)
            else:
                passed += 1
                print(f"PASS {name}: imports; static with --shape={shape}", flush=True)
            for leftover in os.listdir(work):  # 124M leaves 650 MB: free it now
                os.remove(os.path.join(work, leftover))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
