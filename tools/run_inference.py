#!/usr/bin/python3
"""Greedy text generation with a GPT-2 ONNX model compiled by omc: the seed's run_inference.py.

    bazel build //...        # once: the compiler and the Python module
    /usr/bin/python3 tools/run_inference.py --model gpt2_124M.onnx \\
        --prompt-ids "464 2068 7586" --max-new-tokens 20
    /usr/bin/python3 tools/run_inference.py --model gpt2_124M.onnx --vocab ~/gpt2-vocab \\
        --prompt "The quick brown" --max-new-tokens 20

The model is compiled on first use (dynamic sequence length: one library serves every length)
and cached by content and options, so later runs start at once. A model exported with its
key/value cache (`tools/models/export_gpt2.py --with-past`, or optimum's
text-generation-with-past) is run step by step on that cache: the prompt once, then one
position per new token. Without a cache each new token reruns the whole sequence;
`--no-kv-cache` forces that on a cached model too, for comparison.

Prints the timing (prompt, per token, tokens/s) and, last, `generated: ID ID ...`; with
`--vocab` (a folder holding GPT-2's encoder.json and vocab.bpe) also the text.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.dont_write_bytecode = True
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_bpe import Gpt2Bpe  # noqa: E402

PAST_PREFIX = "past_key_values."


def die(message):
    print(f"run_inference: error: {message}", file=sys.stderr)
    sys.exit(1)


def import_omc():
    """`import omc` from PYTHONPATH, else from this checkout's bazel-bin."""
    try:
        import omc
        return omc
    except ImportError:
        pass
    built = os.path.join(REPO, "bazel-bin", "runtime", "python")
    sys.path.insert(0, built)
    try:
        import omc
        return omc
    except ImportError as e:
        die(f"cannot import the omc Python module ({e}); build it with "
            f"`bazel build //runtime/python:omc` in {REPO}, or put its folder on PYTHONPATH")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="GPT-2 ONNX model (input_ids -> logits)")
    parser.add_argument("--target", help="omc target (default: the best for this host)")
    parser.add_argument("--opt-level", type=int, default=2, choices=range(4), help="-O level (2)")
    prompt = parser.add_mutually_exclusive_group(required=True)
    prompt.add_argument("--prompt-ids", help='the prompt as token ids, e.g. "464 2068 7586"')
    prompt.add_argument("--prompt", help="the prompt as text (needs --vocab)")
    parser.add_argument("--vocab", help="folder with GPT-2's encoder.json and vocab.bpe")
    parser.add_argument("--max-new-tokens", type=int, default=20, help="tokens to generate (20)")
    parser.add_argument("--context", type=int, default=1024,
                        help="the model's context length n_ctx (1024, GPT-2's)")
    parser.add_argument("--no-kv-cache", action="store_true",
                        help="rerun the whole sequence for every token even if the model "
                             "has a key/value cache")
    args = parser.parse_args()
    if args.prompt is not None and not args.vocab:
        parser.error("--prompt needs --vocab (GPT-2's encoder.json and vocab.bpe); "
                     "or give --prompt-ids")
    if args.max_new_tokens < 1:
        parser.error("--max-new-tokens must be at least 1")
    if not os.path.isfile(args.model):
        die(f"--model {args.model}: no such file")
    return args


def prompt_ids(args, bpe):
    if args.prompt is not None:
        ids = bpe.encode(args.prompt)
    else:
        try:
            ids = [int(v) for v in args.prompt_ids.replace(",", " ").split()]
        except ValueError:
            die(f"--prompt-ids {args.prompt_ids!r}: expected integers separated by spaces")
    if not ids:
        die("the prompt is empty")
    if len(ids) + args.max_new_tokens > args.context:
        die(f"the prompt ({len(ids)} tokens) plus --max-new-tokens ({args.max_new_tokens}) "
            f"exceeds the context of {args.context} tokens")
    return ids


class Model:
    """A compiled GPT-2 and how to feed it: input_ids, and maybe a key/value cache."""

    def __init__(self, session, use_cache):
        self.session = session
        inputs = json.loads(session.input_signature())
        self.names = [t["name"] for t in inputs]
        if not self.names or self.names[0] != "input_ids":
            die(f"the model's first input is {self.names[:1]}, expected input_ids "
                "(a GPT-2 export from tools/models/export_gpt2.py or Hugging Face)")
        extra = [n for n in self.names[1:] if not n.startswith(PAST_PREFIX)]
        if extra:
            die(f"the model has inputs this script cannot feed: {', '.join(extra)}")
        self.past = [t for t in inputs[1:]]
        for t in self.past:
            shape = t["shape"]
            if len(shape) != 4 or shape[1] < 0 or shape[3] < 0:
                die(f"cache input {t['name']} has shape {shape}; expected "
                    "[batch, heads, past, head_dim] with static heads and head_dim")
        self.use_cache = use_cache and bool(self.past)

    def empty_cache(self):
        return [np.zeros((1, t["shape"][1], 0, t["shape"][3]), np.float32) for t in self.past]

    def step(self, ids, cache):
        """Runs `ids` (after `cache`); returns the last position's logits and the new cache."""
        outputs = self.session.run([np.array([ids], np.int64)] + cache)
        return outputs[0][0, -1], outputs[1:1 + len(cache)]


def generate(model, ids, count):
    """Greedy generation; returns the new ids and the seconds each step took."""
    new, times = [], []
    cache = model.empty_cache()
    for _ in range(count):
        start = time.perf_counter()
        if model.use_cache:
            feed = ids if not new else new[-1:]
            logits, cache = model.step(feed, cache)
        else:
            logits, _ = model.step(ids + new, model.empty_cache())
        new.append(int(np.argmax(logits)))
        times.append(time.perf_counter() - start)
    return new, times


def main():
    args = parse_args()
    bpe = Gpt2Bpe.from_folder(args.vocab) if args.vocab else None
    ids = prompt_ids(args, bpe)
    omc = import_omc()

    start = time.perf_counter()
    try:
        session = omc.CompileExecutionSession(args.model, target=args.target,
                                              opt_level=args.opt_level)
    except Exception as e:  # the compiler's own message says what went wrong
        die(f"cannot compile {args.model}: {e}")
    how = "reused the cached library" if session.compiled_from_cache else "compiled"
    print(f"{how} {session.library_path} in {time.perf_counter() - start:.1f} s", flush=True)

    model = Model(session, use_cache=not args.no_kv_cache)
    mode = ("with the key/value cache" if model.use_cache else
            "without a key/value cache (the whole sequence each token)")
    print(f"generating {args.max_new_tokens} tokens after a {len(ids)}-token prompt, {mode}",
          flush=True)
    try:
        new, times = generate(model, ids, args.max_new_tokens)
    except Exception as e:
        die(f"running the model failed: {e}")

    total = sum(times)
    print(f"prompt: {times[0] * 1e3:.1f} ms; ", end="")
    if len(times) > 1:
        later = sorted(times[1:])
        print(f"then {later[len(later) // 2] * 1e3:.1f} ms per token (median); ", end="")
    print(f"{len(new)} tokens in {total:.3f} s: {len(new) / total:.2f} tokens/s")
    if bpe:
        print(f"text: {bpe.decode(ids)}{bpe.decode(new)}")
    print("generated: " + " ".join(str(i) for i in new))


if __name__ == "__main__":
    main()
