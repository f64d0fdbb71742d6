#!/usr/bin/python3
"""omc's outputs against onnxruntime's for the models that bench/gpu_speed.py times.

    python3 bench/gpu_check.py --models DIR --run PATH/run [--json OUT]

DIR as for gpu_speed.py (gpt2-124M/ and resnet50/, each with model.onnx and model.so). Each
model runs once through tools/run on gpu_speed.py's input and once in onnxruntime on the CPU
(the reference: it needs no GPU build of onnxruntime). A model agrees when every output
element is within 1e-3 + 1e-3 * |reference|; for GPT-2 it also counts the positions whose
most likely next token differs. Exits 1 when a model disagrees.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpu_speed import model_input  # noqa: E402

ATOL = RTOL = 1e-3


def omc_outputs(run, model_dir, inputs):
    import onnx
    from onnx import numpy_helper
    with tempfile.TemporaryDirectory() as out:
        ran = subprocess.run([run, os.path.join(model_dir, "model.so"), "--input", inputs,
                              "--output-dir", out], capture_output=True, text=True, timeout=600)
        if ran.returncode != 0:
            raise RuntimeError(ran.stderr.strip() or f"exit {ran.returncode}")
        names = sorted(os.listdir(out), key=lambda f: int(f[len("output_"):-len(".pb")]))
        return [numpy_helper.to_array(onnx.load_tensor(os.path.join(out, f))) for f in names]


def compare(name, got, want):
    report = {"outputs": len(want)}
    if len(got) != len(want):
        report["error"] = f"omc gave {len(got)} outputs, onnxruntime {len(want)}"
        return report
    worst, agree = 0.0, True
    for g, w in zip(got, want):
        if g.shape != w.shape:
            report["error"] = f"shape {g.shape} against {w.shape}"
            return report
        diff = np.abs(g.astype(np.float64) - w.astype(np.float64))
        worst = max(worst, float(diff.max()) if diff.size else 0.0)
        agree = agree and bool(np.all(diff <= ATOL + RTOL * np.abs(w)))
    report.update(max_abs_diff=worst, max_abs_reference=float(np.abs(want[0]).max()),
                  agree=agree)
    if name == "gpt2-124M":
        tokens = (np.argmax(got[0], axis=-1) != np.argmax(want[0], axis=-1))
        report["next_token_differs"] = f"{int(tokens.sum())}/{tokens.size}"
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True, metavar="DIR")
    parser.add_argument("--run", required=True, metavar="PATH")
    parser.add_argument("--json", metavar="OUT.json")
    args = parser.parse_args()
    import onnxruntime
    reports, failed = {}, False
    with tempfile.TemporaryDirectory() as work:
        for name in ["gpt2-124M", "resnet50"]:
            model_dir = os.path.join(args.models, name)
            input_name, x = model_input(name)
            path = os.path.join(work, name + ".npy")
            np.save(path, x)
            session = onnxruntime.InferenceSession(os.path.join(model_dir, "model.onnx"),
                                                   providers=["CPUExecutionProvider"])
            want = session.run(None, {input_name: x})
            try:
                reports[name] = compare(name, omc_outputs(args.run, model_dir, path), want)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                reports[name] = {"error": str(e)}
            failed = failed or not reports[name].get("agree", False)
            print(f"{name}: {json.dumps(reports[name])}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(reports, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
