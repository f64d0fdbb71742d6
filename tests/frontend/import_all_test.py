#!/usr/bin/python3
"""Imports every model of the ONNX backend test data with omc's frontend.

    import_all_test.py --compile PATH --data-root DIR [--suite NAME]...
                       --expected-failures FILE [--jobs N] [--timeout S]
                       [--max-expected N] [--update]

DIR holds the suites (Debian's libonnx-testdata: /usr/share/libonnx-testdata/data, with node,
simple, pytorch-converted and pytorch-operator); each SUITE/CASE/model.onnx in the given suites
(by default every folder of DIR that has one) is checked with

    compile --emit=onnx -o TMP/CASE.mlir DIR/SUITE/CASE/model.onnx

which must exit 0 and write the .mlir file. The models run in parallel (--jobs, default the CPU
count), each within --timeout seconds (default 120).

FILE lists the cases known to fail, one `SUITE/CASE: reason` a line; `#` starts a comment line and
blank lines are ignored. The test fails (exit 1) when
  - a case not in FILE fails,
  - a case in FILE passes (UNEXPECTED PASS) or does not exist (entries for suites that exist but
    are not being run are not checked),
  - FILE has more than --max-expected entries (default 30),
  - any case crashes or times out, listed or not: a crash is never an acceptable failure.
--update rewrites FILE from this run's failures instead (keeping its leading comments and the
entries of suites not run), sorted, with the error message as the reason; the exit status then
still reports crashes, timeouts and a list over --max-expected.

Prints `FAIL SUITE/CASE: <compile's last stderr line | crashed: ... | timed out ...>` per failing
case, the problems above, then `N passed, N failed (N expected) in T s` alone on the last line;
a progress line every 100 models goes to stderr. Exits 2 on bad arguments. Relative paths are
taken from the working directory (Bazel runs tests in the runfiles root).
Uses only the standard library (run it with /usr/bin/python3).
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ERROR_PREFIX = "compile: error: "
PROGRESS_EVERY = 100
MAX_REASON = 300
ENTRY = re.compile(r"^([^/\s:]+)/([^/\s:]+):\s*(.*)$")


class UsageError(Exception):
    """Bad arguments or a malformed expected-failures file: exit 2."""


class Result:
    """The outcome of one case: passed, or failed with a one-line reason."""

    def __init__(self, key, passed, reason="", crashed=False, timed_out=False):
        self.key = key
        self.passed = passed
        self.reason = reason
        self.crashed = crashed
        self.timed_out = timed_out

    @property
    def unacceptable(self):
        return self.crashed or self.timed_out


def nonempty_lines(data):
    return [line.strip() for line in data.decode(errors="replace").splitlines() if line.strip()]


def shorten(text):
    return text if len(text) <= MAX_REASON else text[:MAX_REASON] + "..."


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def check_case(compile_path, model, out, timeout, key):
    argv = [compile_path, "--emit=onnx", "-o", out, model]
    try:
        # A session of its own, so that a timeout can kill whatever compile started too (a
        # child left holding the pipes would hang communicate()).
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as e:
        return Result(key, False, f"cannot start {compile_path}: {e.strerror}")
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        return Result(key, False, f"timed out after {timeout:g} s", timed_out=True)

    lines = nonempty_lines(stderr)
    code = proc.returncode
    if code < 0 or code >= 128:
        # A signal: negative from Popen when compile itself died of it, 128+N when a wrapper
        # shell reports it. The first stderr line is the useful one (an assertion's message
        # comes before LLVM's stack dump).
        if code < 0:
            what = signal_name(-code)
        else:
            what = f"exit status {code} (128+{signal_name(code - 128)})"
        detail = f": {shorten(lines[0])}" if lines else ""
        return Result(key, False, f"crashed: {what}{detail}", crashed=True)
    if code != 0:
        last = shorten(lines[-1]) if lines else "(nothing on stderr)"
        return Result(key, False, last if code == 1 else f"exited {code}: {last}")
    if not os.path.isfile(out) or os.path.getsize(out) == 0:
        return Result(key, False, f"compile exited 0 but wrote no {os.path.basename(out)}")
    os.remove(out)  # some models carry MBs of weights; do not pile them up in TMP
    return Result(key, True)


def find_cases(data_root, suites):
    """{SUITE/CASE: model path}, sorted, for the given suites, or for every folder of
    data_root when none are given (then folders without models, like libonnx-testdata's `real`
    that only has data.json files, are passed over)."""
    named = bool(suites)
    if not named:
        suites = sorted(name for name in os.listdir(data_root)
                        if os.path.isdir(os.path.join(data_root, name)))
    cases = {}
    for suite in suites:
        suite_dir = os.path.join(data_root, suite)
        if not os.path.isdir(suite_dir):
            raise UsageError(f"--suite {suite}: {suite_dir} is not a folder")
        found = 0
        for case in sorted(os.listdir(suite_dir)):
            model = os.path.join(suite_dir, case, "model.onnx")
            if os.path.isfile(model):
                cases[f"{suite}/{case}"] = model
                found += 1
        if named and not found:
            raise UsageError(f"--suite {suite}: no {suite}/*/model.onnx under {data_root}")
    if not cases:
        raise UsageError(f"no SUITE/CASE/model.onnx under {data_root}")
    return cases


def read_expected(path, must_exist):
    """(header lines, {SUITE/CASE: reason}) from the expected-failures file."""
    header, entries = [], {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        if must_exist:
            raise UsageError(f"--expected-failures {path} does not exist")
        return header, entries
    except OSError as e:
        raise UsageError(f"cannot read --expected-failures {path}: {e.strerror}")
    in_header = True
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if in_header:
                header.append(line.rstrip())
            continue
        in_header = False
        match = ENTRY.match(stripped)
        if not match:
            raise UsageError(f"{path}:{number}: expected `SUITE/CASE: reason`, got: {stripped}")
        key = f"{match.group(1)}/{match.group(2)}"
        if key in entries:
            raise UsageError(f"{path}:{number}: {key} is listed twice")
        entries[key] = match.group(3)
    while header and not header[-1]:
        header.pop()
    return header, entries


def write_expected(path, header, entries):
    # Resolve symlinks (a Bazel runfile links to the source) and replace atomically, so that
    # an interrupted update leaves the old list.
    target = os.path.realpath(path)
    body = "".join(f"{key}: {entries[key]}\n" for key in sorted(entries))
    text = "\n".join(header) + ("\n\n" if header and body else "\n" if header else "") + body
    fd, tmp = tempfile.mkstemp(prefix=".import_expected.", dir=os.path.dirname(target))
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
        return value
    return parse


def non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", required=True, help="the omc compile binary")
    parser.add_argument("--data-root", required=True, help="the folder holding the suites")
    parser.add_argument("--suite", action="append", default=[],
                        help="a suite folder in --data-root (repeatable; default: all)")
    parser.add_argument("--expected-failures", required=True, metavar="FILE",
                        help="the list of cases known to fail")
    parser.add_argument("--jobs", type=positive(int), default=os.cpu_count() or 1,
                        help="models compiled at once (default: the CPU count)")
    parser.add_argument("--timeout", type=positive(float), default=120.0,
                        help="seconds one compile may take (default: 120)")
    parser.add_argument("--max-expected", type=non_negative_int, default=30,
                        help="the most entries FILE may have (default: 30)")
    parser.add_argument("--update", action="store_true",
                        help="rewrite FILE from this run's failures")
    return parser.parse_args()


def main():
    args = parse_args()
    compile_path = os.path.abspath(args.compile)  # no PATH lookup, whatever the cwd
    if not os.path.isfile(compile_path) or not os.access(compile_path, os.X_OK):
        raise UsageError(f"--compile {args.compile} is not an executable file")
    if not os.path.isdir(args.data_root):
        raise UsageError(f"--data-root {args.data_root} is not a folder")
    suites = list(dict.fromkeys(args.suite))  # drop repeats, keep the order
    cases = find_cases(args.data_root, suites)
    suites_run = {key.split("/")[0] for key in cases}
    header, expected = read_expected(args.expected_failures, must_exist=not args.update)

    total = len(cases)
    print(f"importing {total} models from {len(suites_run)} suite(s) with {args.jobs} jobs",
          file=sys.stderr, flush=True)
    start = time.monotonic()
    results = []
    tmp_root = tempfile.mkdtemp(prefix="omc-import-all-", dir=os.environ.get("TEST_TMPDIR"))
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {}
            for key, model in cases.items():
                out = os.path.join(tmp_root, key.replace("/", "__") + ".mlir")
                futures[pool.submit(check_case, compile_path, model, out, args.timeout,
                                    key)] = key
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                try:
                    results.append(future.result())
                except Exception as e:  # a bug here must not hide the other cases
                    results.append(Result(futures[future], False, f"{type(e).__name__}: {e}"))
                if done % PROGRESS_EVERY == 0 or done == total:
                    print(f"progress: {done}/{total} done, {time.monotonic() - start:.1f} s",
                          file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    elapsed = time.monotonic() - start

    results.sort(key=lambda r: r.key)
    failures = [r for r in results if not r.passed]
    failed_keys = {r.key for r in failures}
    ok = True

    for r in failures:
        listed = r.key in expected
        if r.unacceptable:
            note = " (listed, but never acceptable)" if listed else ""
        else:
            note = " (expected)" if listed and not args.update else ""
        print(f"FAIL {r.key}: {r.reason}{note}")
        # --update lists every failure, but crashes and timeouts still fail the run.
        ok = ok and (listed or args.update) and not r.unacceptable

    if args.update:
        # Entries of suites not run this time stay; the rest is this run's failures.
        kept = {k: v for k, v in expected.items() if k.split("/")[0] not in suites_run}
        for r in failures:
            kept[r.key] = r.reason.removeprefix(ERROR_PREFIX)
        write_expected(args.expected_failures, header, kept)
        print(f"wrote {len(kept)} entries to {args.expected_failures}", file=sys.stderr)
        expected = kept
    else:
        for key in sorted(expected):
            suite = key.split("/")[0]
            if key in cases:
                if key not in failed_keys:
                    print(f"UNEXPECTED PASS {key}: remove it from {args.expected_failures}")
                    ok = False
            elif suite in suites_run or not os.path.isdir(os.path.join(args.data_root, suite)):
                print(f"NOT FOUND {key}: listed in {args.expected_failures}, but there is no "
                      f"{key}/model.onnx in {args.data_root}")
                ok = False

    if len(expected) > args.max_expected:
        print(f"TOO MANY expected failures: {args.expected_failures} lists {len(expected)}, "
              f"at most {args.max_expected} allowed (--max-expected)")
        ok = False

    listed_failures = sum(1 for r in failures if r.key in expected and not r.unacceptable)
    passed = len(results) - len(failures)
    print(f"{passed} passed, {len(failures)} failed ({listed_failures} expected) "
          f"in {elapsed:.1f} s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
