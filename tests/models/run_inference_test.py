#!/usr/bin/python3
"""tools/run_inference.py generates what onnxruntime generates.

    run_inference_test.py --run-inference PATH --compile PATH --python-module DIR
                          --models-dir DIR --onnxruntime DIR [--target NAME]

Exports GPT-2 tiny with random weights twice (plain, and with its key/value cache), then for
each model and mode runs tools/run_inference.py (which compiles through the omc Python module's
CompileExecutionSession) and tools/models/generate_with_onnxruntime.js on the same prompt, and
requires the same greedy ids on their `generated:` lines. Also: the second run reuses the cached
library, a text prompt through a vocabulary gives the ids of its bytes, and bad arguments give
clear errors.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from gpt2_bpe import byte_symbols  # noqa: E402

ARGS = None
PROMPT = "11 22 33 44 55"
NEW_TOKENS = "12"
TINY_CONTEXT = "64"


def node_modules(onnxruntime_dir):
    missing = os.path.join(onnxruntime_dir, "MISSING")
    if os.path.exists(missing):
        with open(missing) as f:
            raise RuntimeError(f.read().strip())
    return os.path.abspath(os.path.join(onnxruntime_dir, "node_modules"))


class RunInferenceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
        cls.env = dict(os.environ,
                       OMC_COMPILE=os.path.abspath(ARGS.compile),
                       OMC_CACHE_DIR=os.path.join(cls.work, "cache"),
                       PYTHONPATH=os.path.abspath(ARGS.python_module),
                       NODE_PATH=node_modules(ARGS.onnxruntime))
        cls.models = {}
        for name, extra in (("plain", []), ("past", ["--with-past"])):
            path = os.path.join(cls.work, f"gpt2-tiny-{name}.onnx")
            subprocess.run([sys.executable, os.path.join(ARGS.models_dir, "export_gpt2.py"),
                            "--config", "tiny", "-o", path] + extra, check=True,
                           stdout=subprocess.DEVNULL)
            cls.models[name] = path

    def ours(self, *argv, expect_status=0):
        targets = ["--target", ARGS.target] if ARGS.target else []
        proc = subprocess.run([sys.executable, ARGS.run_inference, *targets,
                               "--context", TINY_CONTEXT, *argv], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=900)
        self.assertEqual(proc.returncode, expect_status,
                         f"run_inference {' '.join(argv)}:\n{proc.stdout}{proc.stderr}")
        return proc.stdout, proc.stderr

    def theirs(self, model, *argv):
        proc = subprocess.run(["node", os.path.join(ARGS.models_dir,
                                                    "generate_with_onnxruntime.js"), model,
                               "--prompt-ids", PROMPT, "--max-new-tokens", NEW_TOKENS, *argv],
                              env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return generated(proc.stdout)

    def test_greedy_ids_match_onnxruntime_in_every_mode(self):
        for name, flags, mode in (("plain", [], "without a key/value cache"),
                                  ("past", [], "with the key/value cache"),
                                  ("past", ["--no-kv-cache"], "without a key/value cache")):
            with self.subTest(model=name, flags=flags):
                out, _ = self.ours("--model", self.models[name], "--prompt-ids", PROMPT,
                                   "--max-new-tokens", NEW_TOKENS, *flags)
                self.assertIn(mode, out)
                self.assertRegex(out, r"tokens/s")
                ids = generated(out)
                self.assertEqual(len(ids), int(NEW_TOKENS))
                self.assertEqual(ids, self.theirs(self.models[name], *flags))

    def test_second_run_reuses_the_compiled_library(self):
        argv = ["--model", self.models["plain"], "--prompt-ids", "1 2", "--max-new-tokens", "1"]
        self.ours(*argv)
        out, _ = self.ours(*argv)
        self.assertIn("reused the cached library", out)

    def test_text_prompt_through_a_vocabulary(self):
        # GPT-2 tiny's 256 ids are the 256 byte symbols: text becomes the ids of its bytes.
        vocab = os.path.join(self.work, "vocab")
        os.makedirs(vocab, exist_ok=True)
        with open(os.path.join(vocab, "encoder.json"), "w", encoding="utf-8") as f:
            json.dump({s: b for b, s in byte_symbols().items()}, f)
        with open(os.path.join(vocab, "vocab.bpe"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n")
        text = "Hi omc"
        by_text, _ = self.ours("--model", self.models["past"], "--vocab", vocab, "--prompt",
                               text, "--max-new-tokens", "4")
        by_ids, _ = self.ours("--model", self.models["past"], "--prompt-ids",
                              " ".join(str(b) for b in text.encode()), "--max-new-tokens", "4")
        self.assertEqual(generated(by_text), generated(by_ids))
        self.assertIn(f"text: {text}", by_text)

    def test_bad_arguments_give_clear_errors(self):
        _, err = self.ours("--model", self.models["plain"], "--prompt", "hello",
                           expect_status=2)
        self.assertIn("--prompt needs --vocab", err)
        _, err = self.ours("--model", self.models["plain"], "--prompt-ids", "1 2 3",
                           "--max-new-tokens", "62", expect_status=1)
        self.assertIn("exceeds the context of 64 tokens", err)
        _, err = self.ours("--model", os.path.join(self.work, "absent.onnx"), "--prompt-ids",
                           "1", expect_status=1)
        self.assertIn("absent.onnx: no such file", err)
        _, err = self.ours("--model", self.models["plain"], "--prompt-ids", "1 x",
                           expect_status=1)
        self.assertIn("expected integers", err)


def generated(stdout):
    last = stdout.strip().splitlines()[-1]
    if not last.startswith("generated: "):
        raise AssertionError(f"the last line is not `generated: ...`: {last!r}")
    return [int(v) for v in last.split()[1:]]


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for flag in ("--run-inference", "--compile", "--python-module", "--models-dir",
                 "--onnxruntime"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--target", help="default: the best one for this host")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
