#!/usr/bin/python3
"""omc's nvptx libraries against PyTorch eager and onnxruntime on the same GPU, in one run.

GPT-2 124M over 128 tokens and ResNet-50 at batch 1. Each round times every implementation
once per model (interleaved, so that a noisy moment hits all of them); the table gives the
median over --runs rounds of each round's median over --repeat calls. On the GPU machine:

    python3 bench/gpu_speed.py --models DIR --run PATH/run --runs 5 [--repeat 20] [--json OUT]

DIR holds gpt2-124M/ and resnet50/, each with model.onnx (tools/models/export_gpt2.py
--config 124M, export_torchvision.py --model resnet50) and model.so (compile --target=nvptx);
the inputs are made here from a fixed seed. PyTorch eager builds the same architectures
(export_gpt2.py's module, torchvision's resnet50) with random weights: speed does not depend
on their values. onnxruntime runs model.onnx with its CUDA execution provider. A peer that is
not installed (or has no CUDA support) is reported as missing, not timed on the CPU.
--device cpu times the peers on the CPU instead and skips omc, to try the script without a GPU.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

MODELS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "models")


def model_input(name):
    """(ONNX input name, array) from a fixed seed."""
    rng = np.random.default_rng(0)
    if name == "gpt2-124M":
        return "input_ids", rng.integers(0, 50257, size=(1, 128), dtype=np.int64)
    return "input", rng.standard_normal((1, 3, 224, 224)).astype(np.float32)


def omc_latency(run, model_dir, inputs, repeat):
    """tools/run's median over `repeat` timed calls, in ms."""
    with tempfile.TemporaryDirectory() as out:
        ran = subprocess.run([run, os.path.join(model_dir, "model.so"), "--input", inputs,
                              "--repeat", str(repeat), "--output-dir", out],
                             capture_output=True, text=True, timeout=600)
    if ran.returncode != 0:
        raise RuntimeError(ran.stderr.strip().splitlines()[-1] if ran.stderr.strip()
                           else f"exit {ran.returncode}")
    for word in ran.stdout.split():
        if word.startswith("median="):
            return float(word[len("median="):])
    raise RuntimeError(f"no latency in bin/run's output: {ran.stdout.strip()}")


def torch_model(name, torch):
    if name == "gpt2-124M":
        sys.path.insert(0, MODELS_DIR)
        import export_gpt2
        return export_gpt2.GPT2LMHead(*export_gpt2.CONFIGS["124M"]).eval()
    import torchvision
    return torchvision.models.resnet50(weights=None).eval()


def timed_median(call, synchronize, repeat):
    for _ in range(3):
        call()
    synchronize()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        synchronize()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Peers:
    """PyTorch eager and onnxruntime, or why each is missing."""

    def __init__(self, device):
        self.device, self.missing, self.torch, self.sessions, self.models = device, {}, None, {}, {}
        try:
            import torch
            if device == "cuda" and not torch.cuda.is_available():
                self.missing["torch"] = "torch has no CUDA device"
            else:
                self.torch = torch
        except ImportError as e:
            self.missing["torch"] = f"torch not installed ({e})"
        try:
            import onnxruntime
            provider = "CUDAExecutionProvider" if device == "cuda" else "CPUExecutionProvider"
            if provider not in onnxruntime.get_available_providers():
                self.missing["onnxruntime"] = f"onnxruntime has no {provider}"
            else:
                self.ort, self.provider = onnxruntime, provider
        except ImportError as e:
            self.missing["onnxruntime"] = f"onnxruntime not installed ({e})"

    def torch_latency(self, name, x, repeat):
        torch = self.torch
        if name not in self.models:
            self.models[name] = torch_model(name, torch).to(self.device)
        tensor = torch.from_numpy(x).to(self.device)
        sync = torch.cuda.synchronize if self.device == "cuda" else (lambda: None)
        with torch.no_grad():
            return timed_median(lambda: self.models[name](tensor), sync, repeat)

    def ort_latency(self, name, model_dir, input_name, x, repeat):
        if name not in self.sessions:
            self.sessions[name] = self.ort.InferenceSession(
                os.path.join(model_dir, "model.onnx"), providers=[self.provider])
        session = self.sessions[name]
        return timed_median(lambda: session.run(None, {input_name: x}), lambda: None, repeat)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", required=True, metavar="DIR")
    parser.add_argument("--run", metavar="PATH", help="tools/run (needed with --device cuda)")
    parser.add_argument("--runs", type=int, default=5, help="rounds (5)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per round (20)")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--json", metavar="OUT.json", help="also write the medians here")
    args = parser.parse_args()
    if args.runs < 1 or args.repeat < 1:
        sys.exit("--runs and --repeat must be at least 1")
    if args.device == "cuda" and not args.run:
        sys.exit("--run is needed to time omc on the GPU")
    names = ["gpt2-124M", "resnet50"]
    for name in names:
        if not os.path.isfile(os.path.join(args.models, name, "model.onnx")):
            sys.exit(f"{os.path.join(args.models, name, 'model.onnx')} is missing")
    work = tempfile.mkdtemp(prefix="omc-gpu-speed-")
    inputs = {}
    for name in names:
        input_name, x = model_input(name)
        path = os.path.join(work, name + ".npy")
        np.save(path, x)
        inputs[name] = (input_name, x, path)

    peers = Peers(args.device)
    for peer, why in peers.missing.items():
        print(f"{peer}: missing: {why}", file=sys.stderr)
    rounds, omc_failed = {}, {}
    for round_index in range(args.runs):
        for name in names:
            model_dir = os.path.join(args.models, name)
            input_name, x, path = inputs[name]
            timings = rounds.setdefault(name, {"omc": [], "torch": [], "onnxruntime": []})
            if args.device == "cuda" and name not in omc_failed:
                try:
                    timings["omc"].append(omc_latency(args.run, model_dir, path, args.repeat))
                except (RuntimeError, subprocess.TimeoutExpired) as e:
                    omc_failed[name] = str(e)
                    print(f"omc: {name}: failed: {e}", file=sys.stderr)
            if peers.torch:
                timings["torch"].append(peers.torch_latency(name, x, args.repeat))
            if "onnxruntime" not in peers.missing:
                timings["onnxruntime"].append(
                    peers.ort_latency(name, model_dir, input_name, x, args.repeat))
        print(f"round {round_index + 1}/{args.runs} done", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)

    medians = {name: {impl: statistics.median(t) for impl, t in timings.items() if t}
               for name, timings in rounds.items()}
    print(f"| model ({args.device}) | omc ms | torch ms | onnxruntime ms | omc / torch | omc / onnxruntime |")
    print(f"| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, m in medians.items():
        cell = lambda impl: f"{m[impl]:.3f}" if impl in m else "-"
        ratio = lambda impl: f"{m['omc'] / m[impl]:.2f}" if "omc" in m and impl in m else "-"
        print(f"| {name} | {cell('omc')} | {cell('torch')} | {cell('onnxruntime')} | "
              f"{ratio('torch')} | {ratio('onnxruntime')} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": args.device, "runs": args.runs, "repeat": args.repeat,
                       "missing": peers.missing, "omc_failed": omc_failed,
                       "medians_ms": medians}, f, indent=1)
    return 1 if omc_failed else 0


if __name__ == "__main__":
    sys.exit(main())
