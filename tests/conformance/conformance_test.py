#!/usr/bin/python3
"""Compiles and runs every case of the ONNX backend test data with omc and checks the outputs.

    conformance_test.py --compile PATH --run PATH --data-root DIR --target NAME
                        [--run-wrapper CMD] [--suite NAME]... [--only REGEX] --expected-failures FILE [--jobs N] [--timeout S]
                        [--shard-index I --shard-count N] [--max-expected N] [--update]

DIR holds the suites (Debian's libonnx-testdata: /usr/share/libonnx-testdata/data, with node,
simple, pytorch-converted and pytorch-operator); each SUITE/CASE in the given suites (by default
every folder of DIR that has SUITE/CASE/model.onnx) is checked by

    compile --target=NAME -o TMP/model.so DIR/SUITE/CASE/model.onnx
    run TMP/model.so --input input_0.pb --input input_1.pb ... --output-dir TMP/OUT

for every test_data_set_* of the case (through --run-wrapper when given: for a target that
this machine cannot run, e.g. `--target=aarch64-neon --run-wrapper "qemu-aarch64 -L
/usr/aarch64-linux-gnu"` with a `run` built for AArch64), comparing each TMP/OUT/output_K.pb with the expected
output_K.pb (tests/common/onnx_outputs.py: rtol 1e-3 / atol 1e-7, exact for integers, booleans
and strings, NaN equals NaN). An output that depends on a random op's draw (Bernoulli,
RandomUniform, ...) is checked by type, shape and the values a draw can take
(onnx_outputs.compare_random), since no two runtimes draw the same numbers. Sequence and
optional inputs and outputs are SequenceProto / OptionalProto files, which tools/run reads
and writes; cases whose graph has other kinds (maps, sparse tensors) fail without being
compiled. The cases run in parallel
(--jobs, default the CPU count); each case, compile and all its runs, has --timeout seconds
(default 300). ONNX 1.12's test data holds bfloat16 values as UINT16 tensors of their bits: for
the graph's bfloat16 inputs and outputs, those files are read as BFLOAT16.

--only REGEX keeps the cases whose SUITE/CASE it matches (re.search): a subset for a slow
target, e.g. one run under emulation; FILE's entries for the other cases are then not checked.

Sharding: the sorted cases are split by index modulo the shard count, and this process checks
those of its shard. --shard-index/--shard-count, or else Bazel's TEST_SHARD_INDEX and
TEST_TOTAL_SHARDS, say which; TEST_SHARD_STATUS_FILE is touched when set (that tells Bazel the
test knows about sharding).

FILE lists the cases known to fail, one `SUITE/CASE: CAUSE; DETAIL` a line, where CAUSE is short
and shared by the cases failing the same way (e.g. `no lowering for onnx.Conv`, `wrong values`)
and DETAIL is the failing tool's last stderr line or the comparison's message; `#` starts a
comment line and blank lines are ignored. The test fails (exit 1) when
  - a case not in FILE fails,
  - a case in FILE passes (UNEXPECTED PASS) or does not exist (checked by shard 0 only; entries
    of suites that exist but are not being run, and of cases of other shards, are not checked),
  - FILE has more than --max-expected entries (default: no limit),
  - any case crashes, listed or not: a crash is never an acceptable failure (nor is an error of
    this script itself),
  - a case times out, unless FILE lists it with the cause `timeout`: a case that hangs can then
    be set aside deliberately, but one listed for another reason that starts to hang is caught.
Where the host cannot run --target's code (`compile --list-targets` does not mark it "runs
here") and no --run-wrapper runs it, the cases are compiled only: the test fails when one not in
FILE does not compile, does not judge FILE's entries, and reports the runs SKIPPED.
--update rewrites FILE from this run's failures instead (keeping its leading comments and the
entries of suites and shards not run), grouped by cause, each group after a `# N cases: CAUSE`
line, except that an entry whose reason starts with `known: ` (a cause written by hand, such as
a flaw of the test data) keeps its reason while the case still fails; the exit status then still
reports crashes, timeouts not listed as such before, and a
list over --max-expected.

Prints `FAIL SUITE/CASE: CAUSE; DETAIL` per failing case, the problems above, a line
`SUITE: N passed of M` per suite, then `N passed, N failed (N expected) in T s` alone on the last
line; progress lines go to stderr (with --update, the causes by count too). Exits 2 on bad
arguments. Relative paths are taken from the working directory (Bazel runs tests in the runfiles
root). Uses only the standard library, numpy and onnx (run it with /usr/bin/python3).
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# The test data loading and comparison live in tests/common/, shared with tests/e2e; that folder
# sits at the same relative place in the repository and in Bazel's runfiles.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from host_targets import host_targets, skip_reason, write_test_xml  # noqa: E402
from onnx_outputs import (CheckFailure, compare, compare_random, graph_bfloat16,  # noqa: E402
                          graph_kinds, graph_random_outputs, load_value, numbered,
                          retag_bfloat16)

PROGRESS_EVERY = 100
MAX_DETAIL = 300
ENTRY = re.compile(r"^([^/\s:]+)/([^/\s:]+):\s*(.*)$")
GROUP_COMMENT = re.compile(r"^#\s*\d+ cases?: ")
RUN_KINDS = {"tensor", "sequence", "optional"}  # the kinds of values tools/run reads and writes
TIMEOUT_CAUSE = "timeout"
KNOWN_PREFIX = "known: "


class UsageError(Exception):
    """Bad arguments or a malformed expected-failures file: exit 2."""


class CaseError(Exception):
    """A case failed: CAUSE groups it with others failing the same way, DETAIL says more.
    A crash (or a bug of this script) is never acceptable; a timeout only when listed as one."""

    def __init__(self, cause, detail="", crashed=False, timed_out=False):
        super().__init__(cause)
        self.cause = cause
        self.detail = detail
        self.crashed = crashed
        self.timed_out = timed_out


class Result:
    def __init__(self, key, error=None):
        self.key = key
        self.error = error  # None: passed

    @property
    def passed(self):
        return self.error is None

    @property
    def reason(self):
        """CAUSE; DETAIL on one line: what FAIL lines and FILE say."""
        detail = " ".join(self.error.detail.split())
        if len(detail) > MAX_DETAIL:
            detail = detail[:MAX_DETAIL] + "..."
        return f"{self.error.cause}; {detail}" if detail else self.error.cause


def cause_of(reason):
    """The CAUSE part of a FILE entry's reason."""
    return reason.split("; ", 1)[0].strip()


# The tools' error lines, mapped to a short cause (a re.Match.expand template); the first
# match wins, and lines matching none get "compile failed" or "run failed".
TOOL_CAUSES = [(re.compile(pattern), template) for pattern, template in [
    (r"failed to legalize operation '([^']+)'", r"no lowering for \1"),
    (r"entry point '[^']*' has an input or output that is not a ranked tensor",
     "unsupported entry-point type"),
    (r"unknown ONNX operator '([^']+)'", r"unknown operator \1"),
    (r"^run: error: (input \d+ \(|expected \d+ inputs?, got)",
     "inputs do not match the model's signature"),
    (r"model returned a bad output", "outputs do not match the model's signature"),
]]


def tool_cause(tool, line):
    for pattern, template in TOOL_CAUSES:
        match = pattern.search(line)
        if match:
            return match.expand(template)
    return f"{tool} failed"


def nonempty_lines(data):
    return [line.strip() for line in data.decode(errors="replace").splitlines() if line.strip()]


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Case:
    """One SUITE/CASE being checked in its own WORK folder."""

    def __init__(self, args, key, work):
        self.args = args
        self.key = key
        self.dir = os.path.join(args.data_root, key)
        self.work = work
        self.deadline = time.monotonic() + args.timeout

    def tidy(self, text):
        # Paths relative to the case and work folders, so that FILE reads the same wherever
        # the data and the temporary folder are.
        for folder in (self.work, self.dir):
            text = text.replace(folder + os.sep, "")
        return text

    def timed_out(self, tool):
        return CaseError(TIMEOUT_CAUSE, f"{tool} still running when the case's "
                         f"{self.args.timeout:g} s were up", timed_out=True)

    def invoke(self, tool, argv):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self.timed_out(tool)
        try:
            # A session of its own, so that a timeout can kill whatever the tool started too
            # (a child left holding the pipe would hang communicate()).
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            raise CaseError("cannot start a tool", f"{argv[0]}: {e.strerror}", crashed=True)
        try:
            _, stderr = proc.communicate(timeout=remaining)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()
            raise self.timed_out(tool)

        lines = [self.tidy(line) for line in nonempty_lines(stderr)]
        code = proc.returncode
        if code < 0 or code >= 128:
            # A signal: negative from Popen when the tool itself died of it, 128+N when a
            # wrapper reports it. The first stderr line is the useful one (an assertion's
            # message comes before LLVM's stack dump).
            what = signal_name(-code) if code < 0 else f"exit status {code}"
            first = f": {lines[0]}" if lines else ""
            raise CaseError("crash", f"{tool} crashed ({what}){first}", crashed=True)
        if code != 0:
            last = lines[-1] if lines else "(nothing on stderr)"
            detail = last if code == 1 else f"{tool} exited {code}: {last}"
            raise CaseError(tool_cause(tool, last), detail)

    def check(self):
        model = os.path.join(self.dir, "model.onnx")
        input_kinds, output_kinds = graph_kinds(model)
        bf16_inputs, bf16_outputs = graph_bfloat16(model)
        random_outputs = graph_random_outputs(model)
        others = sorted({kind for kind in input_kinds + output_kinds if kind not in RUN_KINDS})
        if others:
            raise CaseError(f"{'/'.join(others)} inputs or outputs are not supported by "
                            "tools/run yet")
        data_sets = sorted(d for d in os.listdir(self.dir) if d.startswith("test_data_set_")
                           and os.path.isdir(os.path.join(self.dir, d)))
        if not data_sets:
            raise CaseError("bad test data", "no test_data_set_* folder")

        library = os.path.join(self.work, "model.so")
        self.invoke("compile", [self.args.compile, f"--target={self.args.target}", "-o",
                                library, model])
        if not os.path.isfile(library):
            raise CaseError("compile wrote no library", "compile exited 0 but wrote no model.so")
        if self.args.compile_only:
            return

        for data_set in data_sets:
            data_dir = os.path.join(self.dir, data_set)
            inputs = numbered(data_dir, "input")
            expected = numbered(data_dir, "output")
            if len(expected) > len(output_kinds):
                raise CaseError("bad test data", f"{data_set} has {len(expected)} outputs, "
                                f"the graph {len(output_kinds)}")
            out_dir = os.path.join(self.work, data_set)
            argv = self.args.run_wrapper + [self.args.run, library]
            for k, path in enumerate(inputs):
                if k in bf16_inputs:
                    path = retag_bfloat16(path, os.path.join(self.work, f"bf16_input_{k}.pb"))
                argv += ["--input", path]
            self.invoke("run", argv + ["--output-dir", out_dir])
            produced = numbered(out_dir, "output") if os.path.isdir(out_dir) else []
            if len(produced) != len(expected):
                raise CaseError("wrong output count", f"{data_set}: run wrote "
                                f"{len(produced)} output(s), expected {len(expected)}")
            for k, (got, want) in enumerate(zip(produced, expected)):
                kind = output_kinds[k]
                check = compare_random if k in random_outputs else compare
                check(f"{data_set}/output_{k}", load_value(got, kind),
                      load_value(want, kind, as_bfloat16=k in bf16_outputs))


def check_case(args, key, tmp_root):
    work = os.path.join(tmp_root, key.replace("/", "__"))
    os.makedirs(work)
    case = Case(args, key, work)
    try:
        case.check()
    except CaseError as e:
        return Result(key, e)
    except CheckFailure as e:
        return Result(key, CaseError(e.cause, case.tidy(str(e))))
    finally:
        # Some models carry MBs of weights; do not pile their libraries up.
        shutil.rmtree(work, ignore_errors=True)
    return Result(key)


def find_cases(data_root, suites):
    """Sorted SUITE/CASE keys of the given suites, or of every folder of data_root when none
    are given (then folders without models, like libonnx-testdata's `real` that only has
    data.json files, are passed over)."""
    named = bool(suites)
    if not named:
        suites = sorted(name for name in os.listdir(data_root)
                        if os.path.isdir(os.path.join(data_root, name)))
    cases = []
    for suite in suites:
        suite_dir = os.path.join(data_root, suite)
        if not os.path.isdir(suite_dir):
            raise UsageError(f"--suite {suite}: {suite_dir} is not a folder")
        found = [f"{suite}/{case}" for case in sorted(os.listdir(suite_dir))
                 if os.path.isfile(os.path.join(suite_dir, case, "model.onnx"))]
        if named and not found:
            raise UsageError(f"--suite {suite}: no {suite}/*/model.onnx under {data_root}")
        cases += found
    if not cases:
        raise UsageError(f"no SUITE/CASE/model.onnx under {data_root}")
    return sorted(cases)


def read_expected(path, must_exist):
    """(header lines, {SUITE/CASE: reason}) from the expected-failures file. The header is the
    leading comments; the `# N cases: CAUSE` lines that --update writes are not part of it."""
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
            if in_header and not GROUP_COMMENT.match(stripped):
                header.append(line.rstrip())
            else:
                in_header = False
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
    """Writes the entries grouped by cause (groups and the entries in them sorted), each group
    after a comment with its size, so that the list reads as a to-do list by cause."""
    groups = collections.defaultdict(list)
    for key, reason in entries.items():
        groups[cause_of(reason)].append(key)
    blocks = []
    for cause in sorted(groups):
        keys = sorted(groups[cause])
        count = f"{len(keys)} case{'s' if len(keys) != 1 else ''}"
        blocks.append(f"# {count}: {cause}\n" + "".join(f"{k}: {entries[k]}\n" for k in keys))
    text = "\n".join(header) + "\n" if header else ""
    text += "".join("\n" + block for block in blocks) if header else "\n".join(blocks)
    # Resolve symlinks (a Bazel runfile links to the source) and replace atomically, so that
    # an interrupted update leaves the old list.
    target = os.path.realpath(path)
    fd, tmp = tempfile.mkstemp(prefix=".conformance_expected.", dir=os.path.dirname(target))
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
    parser.add_argument("--run", required=True, help="the omc run binary")
    parser.add_argument("--data-root", required=True, help="the folder holding the suites")
    parser.add_argument("--target", required=True, help="the target to compile for")
    parser.add_argument("--run-wrapper", default="", metavar="CMD",
                        help="a command that runs `run` (e.g. an emulator), split like a shell")
    parser.add_argument("--suite", action="append", default=[],
                        help="a suite folder in --data-root (repeatable; default: all)")
    parser.add_argument("--only", metavar="REGEX",
                        help="check only the cases whose SUITE/CASE matches REGEX")
    parser.add_argument("--expected-failures", required=True, metavar="FILE",
                        help="the list of cases known to fail")
    parser.add_argument("--jobs", type=positive(int), default=os.cpu_count() or 1,
                        help="cases checked at once (default: the CPU count)")
    parser.add_argument("--timeout", type=positive(float), default=300.0,
                        help="seconds one case, compile and runs, may take (default: 300)")
    parser.add_argument("--shard-index", type=non_negative_int,
                        help="this shard (default: $TEST_SHARD_INDEX, or 0)")
    parser.add_argument("--shard-count", type=positive(int),
                        help="the number of shards (default: $TEST_TOTAL_SHARDS, or 1)")
    parser.add_argument("--max-expected", type=non_negative_int,
                        help="the most entries FILE may have (default: no limit)")
    parser.add_argument("--update", action="store_true",
                        help="rewrite FILE from this run's failures")
    return parser.parse_args()


def shard_of(args):
    """(index, count): the flags, else Bazel's environment, else (0, 1)."""
    if (args.shard_index is None) != (args.shard_count is None):
        raise UsageError("give --shard-index and --shard-count together")
    if args.shard_count is not None:
        index, count = args.shard_index, args.shard_count
    else:
        try:
            index = int(os.environ.get("TEST_SHARD_INDEX", "0"))
            count = int(os.environ.get("TEST_TOTAL_SHARDS", "1"))
        except ValueError:
            raise UsageError("TEST_SHARD_INDEX and TEST_TOTAL_SHARDS must be integers")
    if count < 1 or not 0 <= index < count:
        raise UsageError(f"shard index {index} is not in [0, {count})")
    return index, count


def main():
    args = parse_args()
    for flag in ("compile", "run"):
        path = os.path.abspath(getattr(args, flag))  # no PATH lookup, whatever the cwd
        if not os.path.isfile(path) or not os.access(path, os.X_OK):
            raise UsageError(f"--{flag} {getattr(args, flag)} is not an executable file")
        setattr(args, flag, path)
    try:
        args.run_wrapper = shlex.split(args.run_wrapper)
    except ValueError as e:
        raise UsageError(f"--run-wrapper: {e}")
    if args.run_wrapper and not shutil.which(args.run_wrapper[0]):
        raise UsageError(f"--run-wrapper: {args.run_wrapper[0]} not found (for qemu-aarch64: "
                         "tools/setup.sh installs qemu-user)")
    args.data_root = os.path.abspath(args.data_root)
    if not os.path.isdir(args.data_root):
        raise UsageError(f"--data-root {args.data_root} is not a folder")
    if not args.target:
        raise UsageError("--target must not be empty")
    # A target this host cannot run (and no --run-wrapper runs) is only compiled: every case
    # must still compile, but none is run, and the listed failures are not judged.
    args.compile_only = not args.run_wrapper and args.target not in host_targets(args.compile)
    if args.compile_only and args.update:
        raise UsageError(f"--update needs the runs, and {skip_reason(args.target)}")
    shard_index, shard_count = shard_of(args)
    status_file = os.environ.get("TEST_SHARD_STATUS_FILE")
    if status_file:
        open(status_file, "a").close()

    all_cases = find_cases(args.data_root, list(dict.fromkeys(args.suite)))
    all_set = set(all_cases)
    if args.only is not None:
        try:
            only = re.compile(args.only)
        except re.error as e:
            raise UsageError(f"--only {args.only!r}: {e}")
        all_cases = [key for key in all_cases if only.search(key)]
        if not all_cases:
            raise UsageError(f"--only {args.only!r} matches no case")
    cases = all_cases[shard_index::shard_count]
    case_set = set(cases)
    suites_run = {key.split("/")[0] for key in all_cases}
    header, expected = read_expected(args.expected_failures, must_exist=not args.update)

    def ours(key):
        """Whether this shard answers for FILE's entry KEY: its cases, and (shard 0) the
        entries naming no case in a suite being run or in no suite at all."""
        if key in case_set:
            return True
        suite = key.split("/")[0]
        return shard_index == 0 and key not in all_set and (
            suite in suites_run or not os.path.isdir(os.path.join(args.data_root, suite)))

    total = len(cases)
    shard = f" (shard {shard_index} of {shard_count})" if shard_count > 1 else ""
    print(f"checking {total} cases{shard} from {len(suites_run)} suite(s) for {args.target} "
          f"with {args.jobs} jobs", file=sys.stderr, flush=True)
    if args.compile_only:
        print(f"compiling only: {skip_reason(args.target)}", file=sys.stderr, flush=True)
    start = time.monotonic()
    results = []
    tmp_root = tempfile.mkdtemp(prefix="omc-conformance-", dir=os.environ.get("TEST_TMPDIR"))
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {pool.submit(check_case, args, key, tmp_root): key for key in cases}
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                try:
                    results.append(future.result())
                except Exception as e:  # a bug here must not hide the other cases
                    error = CaseError("runner error", f"{type(e).__name__}: {e}", crashed=True)
                    results.append(Result(futures[future], error))
                if done % PROGRESS_EVERY == 0 or done == total:
                    passed = sum(1 for r in results if r.passed)
                    print(f"progress: {done}/{total} done, {passed} "
                          f"{'compiled' if args.compile_only else 'passed'}, "
                          f"{time.monotonic() - start:.1f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    elapsed = time.monotonic() - start

    results.sort(key=lambda r: r.key)
    failures = [r for r in results if not r.passed]
    ok = True
    accepted = 0  # failures that FILE lists (or, with --update, will list) acceptably
    for r in failures:
        listed = r.key in expected
        note = ""
        if r.error.crashed:
            acceptable, note = False, " (never acceptable, listed or not)"
        elif r.error.timed_out and not (listed and cause_of(expected[r.key]) == TIMEOUT_CAUSE):
            acceptable = False
            note = f" (acceptable only when listed with the cause `{TIMEOUT_CAUSE}`)"
        else:
            acceptable = listed or args.update
            if listed and not args.update:
                note = " (expected)"
        accepted += acceptable
        ok = ok and acceptable
        print(f"FAIL {r.key}: {r.reason}{note}")

    if args.update:
        kept = {k: v for k, v in expected.items() if not ours(k)}
        for r in failures:
            # A reason written by hand (`known: ...`) says more than the tools can; keep it
            # while the case still fails.
            listed = expected.get(r.key, "")
            kept[r.key] = listed if listed.startswith(KNOWN_PREFIX) else r.reason
        write_expected(args.expected_failures, header, kept)
        print(f"wrote {len(kept)} entries to {args.expected_failures}", file=sys.stderr)
        causes = collections.Counter(r.error.cause for r in failures)
        print("failures by cause:", file=sys.stderr)
        for cause, count in sorted(causes.items(), key=lambda item: (-item[1], item[0])):
            print(f"{count:6d}  {cause}", file=sys.stderr)
        expected = kept
    elif not args.compile_only:
        failed_keys = {r.key for r in failures}
        for key in sorted(expected):
            if not ours(key):
                continue
            if key in case_set:
                if key not in failed_keys:
                    print(f"UNEXPECTED PASS {key}: remove it from {args.expected_failures}")
                    ok = False
            else:
                print(f"NOT FOUND {key}: listed in {args.expected_failures}, but there is no "
                      f"{key}/model.onnx in {args.data_root}")
                ok = False

    if args.max_expected is not None and len(expected) > args.max_expected:
        print(f"TOO MANY expected failures: {args.expected_failures} lists {len(expected)}, "
              f"at most {args.max_expected} allowed (--max-expected)")
        ok = False

    per_suite = collections.defaultdict(lambda: [0, 0])
    for r in results:
        counts = per_suite[r.key.split("/")[0]]
        counts[0] += r.passed
        counts[1] += 1
    for suite in sorted(per_suite):
        done = "compiled" if args.compile_only else "passed"
        print(f"{suite}: {per_suite[suite][0]} {done} of {per_suite[suite][1]}")
    passed = len(results) - len(failures)
    if args.compile_only:
        print(f"{passed} compiled, {len(failures)} did not ({accepted} listed) in "
              f"{elapsed:.1f} s; {skip_reason(args.target)}", flush=True)
        if ok:
            write_test_xml("conformance", [(args.target, [], [skip_reason(args.target)])])
        return 0 if ok else 1
    print(f"{passed} passed, {len(failures)} failed ({accepted} expected) in {elapsed:.1f} s",
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
