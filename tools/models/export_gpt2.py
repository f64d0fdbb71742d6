#!/usr/bin/python3
"""Exports a GPT-2 language model with random weights to ONNX, shaped like Hugging Face's export.

    /usr/bin/python3 tools/models/export_gpt2.py --config tiny -o /tmp/omc-models/gpt2-tiny.onnx
    /usr/bin/python3 tools/models/export_gpt2.py --config 124M -o /tmp/omc-models/gpt2-124M.onnx

The model is written here in plain torch, module for module as transformers' GPT2LMHeadModel
(without the key/value cache, dropout or attention-mask inputs), so that the ONNX graph has the
same structure as a real GPT-2 export:

- token embedding `wte` + learned position embedding `wpe`; the position ids are computed inside
  the model with torch.arange over input_ids.shape[1], which exports as Shape/Gather/Range chains;
- N blocks: ln_1 -> attention (one fused QKV projection `c_attn` of width 3*d, split into q, k, v,
  heads reshaped and transposed, q.k^T / sqrt(head_dim), a causal mask sliced from a
  lower-triangular buffer and applied with `where` and float32's most negative value, softmax,
  weights.v, heads merged, `c_proj`) + residual; ln_2 -> MLP (`c_fc` to 4*d, the tanh GELU
  0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3))), `c_proj` back to d) + residual;
- final LayerNorm `ln_f`, and the LM head tied to `wte` (logits = h @ wte^T).

The projections are HF's `Conv1D`: a linear layer that stores its weight as [in, out] and runs as
addmm on the input flattened to 2-D, so they export as Reshape -> Gemm -> Reshape like HF's do.

Input `input_ids` int64 [batch, sequence], output `logits` float32 [batch, sequence, vocab], with
`batch` and `sequence` dynamic (sequence at most n_ctx). Opset 14 by default: it is torch 1.13's
default and exports this model cleanly (so does 13; LayerNorm is decomposed into ReduceMean/Sub/
Pow/Sqrt/Div below opset 17, as in most exported GPT-2s). Weights are initialized as GPT-2 does
(normal, std 0.02; the residual projections 0.02/sqrt(2*n_layer)) from a fixed seed, so
activations have realistic ranges and the export is reproducible. Biases and LayerNorm offsets are
N(0, 0.02) and LayerNorm gains N(1, 0.02) instead of exact zeros and ones, as in a trained model:
so that they matter in a numerical comparison, and so that torch does not merge equal initializers.

Since the LM head shares `wte`, constant folding leaves both wte and its transpose in the file
(HF's GPT2LMHeadModel ties its head the same way, so its export does too): 124M is 623 MiB,
not 4 bytes x 124M.

Real pretrained weights (needs internet and the `transformers` package, not on these machines):

    from transformers import GPT2LMHeadModel
    import torch
    model = GPT2LMHeadModel.from_pretrained("gpt2").eval()   # "gpt2-medium", ... for larger
    model.config.use_cache = False                            # logits only, no past key/values
    model.config.return_dict = False
    ids = torch.randint(0, 50257, (1, 16))
    torch.onnx.export(model, (ids,), "gpt2.onnx", input_names=["input_ids"],
                      output_names=["logits"], opset_version=14, do_constant_folding=True,
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                    "logits": {0: "batch", 1: "sequence"}})

or with optimum: `optimum-cli export onnx --model gpt2 --task text-generation gpt2-onnx/`
(that one also adds an attention_mask input, and with --task text-generation-with-past the
key/value cache).

With --with-past the model also takes and returns the key/value cache, as optimum's
text-generation-with-past exports do: inputs past_key_values.N.key / .value [batch, head, past,
head_dim] for each layer N after input_ids, outputs present.N.key / .value [batch, head,
past + sequence, head_dim] after logits. The new positions are numbered from `past` on and attend
to the cached ones too, so a generator runs the prompt once with a cache of length 0 and then
one token per step (tools/run_inference.py does).

Options: --seed N (default 0), --opset N (default 14; 11..17 export), --test-data DIR writes
input_0.pb (random token ids, --test-shape BxS, default 1 x min(128, n_ctx)) and output_0.pb
(torch's logits), for tools/run and check_with_onnxruntime.js; with --with-past also the cache
inputs (computed for --test-past P earlier random tokens, default 0) and the present outputs.
"""

import argparse
import math
import os
import sys

import numpy as np
import torch
from torch import nn

# export_util.py sits beside this script; keep __pycache__ out of the source tree and runfiles.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_util as util  # noqa: E402

CONFIGS = {
    # name: (vocab, n_ctx, d_model, n_layer, n_head)
    "tiny": (256, 64, 64, 2, 2),
    "small-test": (1024, 256, 128, 4, 4),
    "124M": (50257, 1024, 768, 12, 12),
}


class Conv1D(nn.Module):
    """HF's Conv1D: y = x @ W + b with W stored [in, out], computed as addmm on 2-D rows."""

    def __init__(self, n_in, n_out, std):
        super().__init__()
        self.n_out = n_out
        self.weight = nn.Parameter(torch.empty(n_in, n_out).normal_(0.0, std))
        self.bias = nn.Parameter(torch.empty(n_out).normal_(0.0, 0.02))

    def forward(self, x):
        out_shape = x.size()[:-1] + (self.n_out,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(out_shape)


class Attention(nn.Module):
    def __init__(self, d, n_head, n_ctx, n_layer):
        super().__init__()
        self.d, self.n_head, self.head_dim = d, n_head, d // n_head
        self.c_attn = Conv1D(d, 3 * d, 0.02)
        self.c_proj = Conv1D(d, d, 0.02 / math.sqrt(2 * n_layer))
        # Like HF: a bool lower-triangular buffer per layer, sliced to the current length.
        mask = torch.tril(torch.ones(n_ctx, n_ctx, dtype=torch.bool))
        self.register_buffer("bias", mask.view(1, 1, n_ctx, n_ctx), persistent=False)

    def split_heads(self, x):
        x = x.view(x.size()[:-1] + (self.n_head, self.head_dim))
        return x.permute(0, 2, 1, 3)  # [batch, head, seq, head_dim]

    def forward(self, x, past_key=None, past_value=None):
        q, k, v = self.c_attn(x).split(self.d, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        if past_key is not None:
            # The cache holds the keys and values of the earlier positions: the new ones
            # append to them, and the queries of the new positions attend to all.
            k = torch.cat((past_key, k), dim=-2)
            v = torch.cat((past_value, v), dim=-2)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        q_len, k_len = q.size(-2), k.size(-2)
        causal = self.bias[:, :, k_len - q_len:k_len, :k_len]
        # HF masks with the dtype's most negative value rather than -inf, so softmax stays finite.
        mask_value = torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(causal, w, mask_value)
        w = nn.functional.softmax(w, dim=-1)
        a = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        a = a.view(a.size()[:-2] + (self.d,))
        return self.c_proj(a), k, v


def gelu_tanh(x):
    # Written out as HF's NewGELUActivation so it exports as Pow/Mul/Add/Tanh, not Erf.
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi)
                                       * (x + 0.044715 * torch.pow(x, 3.0))))


class MLP(nn.Module):
    def __init__(self, d, n_layer):
        super().__init__()
        self.c_fc = Conv1D(d, 4 * d, 0.02)
        self.c_proj = Conv1D(4 * d, d, 0.02 / math.sqrt(2 * n_layer))

    def forward(self, x):
        return self.c_proj(gelu_tanh(self.c_fc(x)))


def layer_norm(d):
    # Gains near 1 and offsets near 0, not exactly 1 and 0 as in a fresh HF model: a compiler
    # that dropped them would still give the right answer, and torch's exporter would merge the
    # equal initializers into one plus Identity nodes, which real checkpoints never show.
    ln = nn.LayerNorm(d, eps=1e-5)
    nn.init.normal_(ln.weight, 1.0, 0.02)
    nn.init.normal_(ln.bias, 0.0, 0.02)
    return ln


class Block(nn.Module):
    def __init__(self, d, n_head, n_ctx, n_layer):
        super().__init__()
        self.ln_1 = layer_norm(d)
        self.attn = Attention(d, n_head, n_ctx, n_layer)
        self.ln_2 = layer_norm(d)
        self.mlp = MLP(d, n_layer)

    def forward(self, x, past_key=None, past_value=None):
        a, present_key, present_value = self.attn(self.ln_1(x), past_key, past_value)
        x = x + a
        return x + self.mlp(self.ln_2(x)), present_key, present_value


class GPT2LMHead(nn.Module):
    def __init__(self, vocab, n_ctx, d, n_layer, n_head):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(n_ctx, d)
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.02)
        self.h = nn.ModuleList(Block(d, n_head, n_ctx, n_layer) for _ in range(n_layer))
        self.ln_f = layer_norm(d)

    def forward(self, input_ids, *past):
        """Logits for `input_ids`; with `past` (a key and a value [batch, head, past, head_dim]
        per layer, flattened), also each layer's keys and values including the new positions."""
        seq = input_ids.size(-1)
        input_ids = input_ids.view(-1, seq)
        start = past[0].size(-2) if past else 0
        position_ids = torch.arange(start, start + seq, dtype=torch.long).unsqueeze(0).view(-1, seq)
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.h):
            x, key, value = block(x, *(past[2 * i:2 * i + 2] if past else (None, None)))
            presents += [key, value]
        x = self.ln_f(x)
        # Tied LM head, as GPT2LMHeadModel's lm_head (a bias-free Linear sharing wte's weight).
        logits = nn.functional.linear(x, self.wte.weight)
        return (logits, *presents) if past else logits


def cache_names(n_layer, prefix):
    """optimum's names for the cache: past_key_values.0.key, ... / present.0.key, ..."""
    return [f"{prefix}.{i}.{kind}" for i in range(n_layer) for kind in ("key", "value")]


def parse_shape(text, n_ctx):
    try:
        batch, seq = (int(v) for v in text.lower().split("x"))
    except ValueError:
        util.die(f"--test-shape {text!r}: expected BATCHxSEQUENCE, e.g. 1x128")
    if batch < 1 or not 1 <= seq <= n_ctx:
        util.die(f"--test-shape {text}: need batch >= 1 and 1 <= sequence <= n_ctx ({n_ctx})")
    return batch, seq


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sizes = "; ".join(f"{k}: vocab {v[0]}, n_ctx {v[1]}, d {v[2]}, {v[3]} layers, {v[4]} heads"
                      for k, v in CONFIGS.items())
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS),
                        help="model size: " + sizes)
    parser.add_argument("-o", "--output", required=True, metavar="OUT.onnx")
    parser.add_argument("--seed", type=int, default=0, help="weight and test-input seed (0)")
    parser.add_argument("--opset", type=int, default=14, help="ONNX opset (14)")
    parser.add_argument("--test-data", metavar="DIR",
                        help="also write DIR/input_0.pb and torch's DIR/output_0.pb")
    parser.add_argument("--test-shape", metavar="BxS",
                        help="test input shape (1 x min(128, n_ctx))")
    parser.add_argument("--with-past", action="store_true",
                        help="add the key/value cache as inputs past_key_values.N.key/value "
                             "[batch, head, past, head_dim] and outputs present.N.key/value "
                             "(past + sequence positions), as optimum's text-generation-with-past "
                             "exports do; a past of length 0 starts a generation")
    parser.add_argument("--test-past", type=int, default=0, metavar="P",
                        help="with --with-past: the test data's cache length (0); the cache is "
                             "what the model computes for P random tokens before the test input")
    args = parser.parse_args()

    vocab, n_ctx, d, n_layer, n_head = CONFIGS[args.config]
    util.check_opset(args.opset, minimum=11)  # opsets 9 and 10 cannot slice the causal mask
    util.check_output_path(args.output)
    test_shape = parse_shape(args.test_shape or f"1x{min(128, n_ctx)}", n_ctx)

    with util.Step(f"building GPT-2 {args.config} (seed {args.seed})"):
        torch.manual_seed(args.seed)
        model = GPT2LMHead(vocab, n_ctx, d, n_layer, n_head).eval()
        num_params = sum(p.numel() for p in model.parameters())

    if args.test_past and not args.with_past:
        util.die("--test-past needs --with-past")
    if args.test_past < 0 or args.test_past + test_shape[1] > n_ctx:
        util.die(f"--test-past {args.test_past}: need 0 <= past and past + sequence <= n_ctx")

    # Trace with batch 2 and a sequence > 1 (and a past > 1) so no axis is mistaken for a
    # constant 1.
    gen = torch.Generator().manual_seed(args.seed)
    example = torch.randint(0, vocab, (2, min(16, n_ctx // 2)), generator=gen)
    input_names, output_names = ["input_ids"], ["logits"]
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    example_args = (example,)
    if args.with_past:
        with torch.no_grad():
            example_past = model(example, *empty_cache(2, n_layer, n_head, d))[1:]
        example_args += tuple(example_past)
        input_names += cache_names(n_layer, "past_key_values")
        output_names += cache_names(n_layer, "present")
        axes.update({name: {0: "batch", 2: "past_sequence"}
                     for name in cache_names(n_layer, "past_key_values")})
        axes.update({name: {0: "batch", 2: "total_sequence"}
                     for name in cache_names(n_layer, "present")})
    with util.Step(f"exporting (opset {args.opset}{', with past' if args.with_past else ''})"):
        util.export(model, example_args, args.output, input_names, output_names, axes,
                    args.opset)
    util.check_and_summarize(args.output, num_params)

    if args.test_data:
        gen = torch.Generator().manual_seed(args.seed + 1)
        batch, seq = test_shape
        ids = torch.randint(0, vocab, test_shape, generator=gen)
        inputs = [("input_ids", ids)]
        with util.Step(f"running torch on {batch}x{seq} test tokens"), torch.no_grad():
            if args.with_past:
                past = empty_cache(batch, n_layer, n_head, d)
                if args.test_past:
                    earlier = torch.randint(0, vocab, (batch, args.test_past), generator=gen)
                    past = model(earlier, *past)[1:]
                inputs += zip(cache_names(n_layer, "past_key_values"), past)
                results = model(ids, *past)
            else:
                results = (model(ids),)
        util.write_test_data(args.test_data, [(n, t.numpy()) for n, t in inputs],
                             [(n, t.numpy().astype(np.float32))
                              for n, t in zip(output_names, results)])


def empty_cache(batch, n_layer, n_head, d):
    """A key/value cache of length 0, which starts a generation."""
    return [torch.zeros(batch, n_head, 0, d // n_head) for _ in range(2 * n_layer)]


if __name__ == "__main__":
    main()
