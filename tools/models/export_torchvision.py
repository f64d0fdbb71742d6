#!/usr/bin/python3
"""Exports a torchvision image classification model with random weights to ONNX.

    /usr/bin/python3 tools/models/export_torchvision.py --model resnet50 \\
        -o /tmp/omc-models/resnet50.onnx
    /usr/bin/python3 tools/models/export_torchvision.py --model mobilenet_v2 --batch 4 \\
        --dynamic-batch -o /tmp/omc-models/mobilenet_v2.onnx

Input `input` float32 [N, 3, 224, 224] (N = --batch, default 1; with --dynamic-batch the axis is a
symbolic `batch`), output `output` float32 [N, 1000] (the class logits). Opset 14 by default
(torch 1.13's default; --opset N for another). The model is in eval() mode, so torch folds each
BatchNorm into the convolution before it and leaves out dropout.

Any torchvision 0.14 classification model can be named (--list prints them). The VERIFIED list
below export, pass onnx.checker and match torch in onnxruntime (README.md has sizes and times);
swin_v2_* do not export with torch 1.13. inception_v3 is normally run at 299x299 (--image-size).

Weights: the model is built with weights=None after torch.manual_seed(--seed), i.e. torchvision's
own random initialization, then made to behave like a trained network, because a fresh one does
not: its BatchNorms have mean 0 / variance 1 statistics, so outputs collapse (mobilenet_v2 ~1e-9,
efficientnet_b0 ~1e-14) or blow up (inception_v3 ~1e12), and some layers start at exactly zero
(vit's head). Numerical comparisons on such outputs prove nothing. So, unless --raw-init:
- parameters that are all zeros or all ones (biases, norm offsets and gains, zero-initialized
  heads) get small random values around them (N(0, 0.02) or N(1, 0.02));
- BatchNorm statistics are computed by running a random batch of 8 in train mode (no weight
  updates; running averages only), as if the model had been trained on data like its inputs.

Pretrained weights (needs internet; torchvision downloads them to ~/.cache/torch/hub):

    import torch, torchvision
    model = torchvision.models.get_model("resnet50", weights="DEFAULT").eval()
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), "resnet50.onnx", input_names=["input"],
                      output_names=["output"], opset_version=14, do_constant_folding=True)

Real inputs then need torchvision's preprocessing (weights.transforms(): resize, center crop,
scale to [0, 1], normalize with the ImageNet mean and std).
"""

import argparse
import os
import sys
import warnings

import torch
import torchvision

# export_util.py sits beside this script; keep __pycache__ out of the source tree and runfiles.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_util as util  # noqa: E402

# Exported, checked and compared against torch in onnxruntime with this script (opset 14,
# batch 1, 224x224). resnet101 and inception_v3 differ from torch by up to 2e-4 and 4e-4 (outputs
# up to 2 and 8): float32 rounding over their depth, within check_with_onnxruntime.js --atol 1e-3.
VERIFIED = [
    "alexnet", "convnext_tiny", "densenet121", "efficientnet_b0", "efficientnet_v2_s",
    "googlenet", "inception_v3", "maxvit_t", "mnasnet0_5", "mnasnet1_0", "mobilenet_v2",
    "mobilenet_v3_large", "mobilenet_v3_small", "regnet_x_400mf", "regnet_y_400mf", "resnet18",
    "resnet34", "resnet50", "resnet101", "resnext50_32x4d", "shufflenet_v2_x0_5",
    "shufflenet_v2_x1_0", "squeezenet1_0", "squeezenet1_1", "swin_t", "vgg11_bn", "vgg16",
    "vit_b_16", "vit_b_32", "wide_resnet50_2",
]

# Known not to export with torch 1.13, refused up front instead of after a long trace.
FAILING = {
    name: "torch 1.13 cannot export aten::zero (its attention zeroes the key bias in place)"
    for name in ("swin_v2_t", "swin_v2_s", "swin_v2_b")
}

# Constructor arguments that only silence warnings about future defaults.
EXTRA_ARGS = {"googlenet": {"init_weights": True}, "inception_v3": {"init_weights": True}}


def classification_models():
    # Only the torchvision.models namespace itself: detection, segmentation, video and
    # quantized models live in submodules and take other inputs or produce other outputs.
    return torchvision.models.list_models(module=torchvision.models)


def perturb_constant_parameters(model, generator):
    with torch.no_grad():
        for p in model.parameters():
            if torch.all(p == 0):
                p.copy_(torch.randn(p.shape, generator=generator) * 0.02)
            elif torch.all(p == 1):
                p.copy_(1 + torch.randn(p.shape, generator=generator) * 0.02)


def calibrate_batch_norms(model, image_size, generator, batches=1, batch_size=8):
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return 0
    # Only the BatchNorms in train mode: the rest (dropout, stochastic depth, auxiliary heads
    # that only run in training) stays as it will be exported.
    model.eval()
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a plain average over the calibration batches
        m.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch_size, 3, image_size, image_size, generator=generator))
    model.eval()
    return len(norms)


def main():
    names = classification_models()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", metavar="NAME",
                        help="a torchvision classification model (--list)")
    parser.add_argument("-o", "--output", metavar="OUT.onnx")
    parser.add_argument("--batch", type=int, default=1, help="batch size N of the input (1)")
    parser.add_argument("--dynamic-batch", action="store_true",
                        help="make the batch axis symbolic ('batch') instead of N")
    parser.add_argument("--image-size", type=int, default=224, help="input height and width (224)")
    parser.add_argument("--seed", type=int, default=0, help="weight and test-input seed (0)")
    parser.add_argument("--opset", type=int, default=14, help="ONNX opset (14)")
    parser.add_argument("--raw-init", action="store_true",
                        help="keep torchvision's fresh initialization (see the docstring)")
    parser.add_argument("--test-data", metavar="DIR",
                        help="also write DIR/input_0.pb (N(0,1) image) and torch's DIR/output_0.pb")
    parser.add_argument("--list", action="store_true", help="print the model names and exit")
    args = parser.parse_args()

    if args.list:
        for name in names:
            note = "" if name in VERIFIED else f"  ({FAILING.get(name, 'not verified')})"
            print(name + note)
        return
    if not args.model or not args.output:
        util.die("--model and -o are required (--list prints the models)")
    if args.model not in names:
        util.die(f"unknown model {args.model!r}; --list prints the {len(names)} "
                 "classification models")
    if args.model in FAILING:
        util.die(f"{args.model}: {FAILING[args.model]}")
    if args.batch < 1:
        util.die(f"--batch {args.batch}: must be at least 1")
    if args.image_size < 32:
        util.die(f"--image-size {args.image_size}: too small for these networks")
    util.check_opset(args.opset)
    util.check_output_path(args.output)
    if args.model not in VERIFIED:
        print(f"note: {args.model} is not in this script's verified list", file=sys.stderr)

    with util.Step(f"building {args.model} (seed {args.seed})"):
        torch.manual_seed(args.seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            extra = EXTRA_ARGS.get(args.model, {})
            model = torchvision.models.get_model(args.model, weights=None, **extra)
        model.eval()
        num_params = sum(p.numel() for p in model.parameters())
    if not args.raw_init:
        with util.Step("making weights behave like a trained model's"):
            gen = torch.Generator().manual_seed(args.seed)
            perturb_constant_parameters(model, gen)
            n = calibrate_batch_norms(model, args.image_size, gen)
            print(f"  {n} BatchNorm layers calibrated")

    size = args.image_size
    gen = torch.Generator().manual_seed(args.seed)
    example = torch.randn(args.batch, 3, size, size, generator=gen)
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if args.dynamic_batch else None
    shape = f"{'batch' if args.dynamic_batch else args.batch}x3x{size}x{size}"
    with util.Step(f"exporting {shape} (opset {args.opset})"):
        util.export(model, (example,), args.output, ["input"], ["output"], axes, args.opset)
    util.check_and_summarize(args.output, num_params)

    if args.test_data:
        gen = torch.Generator().manual_seed(args.seed + 1)
        image = torch.randn(args.batch, 3, size, size, generator=gen)
        with util.Step("running torch on the test input"), torch.no_grad():
            logits = model(image)
        util.write_test_data(args.test_data, [("input", image.numpy())],
                             [("output", logits.numpy())])


if __name__ == "__main__":
    main()
