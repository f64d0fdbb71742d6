#!/usr/bin/python3
"""omc against onnxruntime and against the machine's FMA peak, in one run.

    bench/compare.py [--quick] [--only sgemm,gpt2,resnet50,mobilenet_v2] [--threads 1,2] [--runs 5] [--sizes 256,1024,2048]
                     [--target NAME] [--work-dir /tmp/omc-bench] [--plot FILE.png]

Cases: SGEMM (one MatMul of two N x N float32 inputs) at each --sizes, GPT-2 124M on 1 and 128
tokens (one library, sequence length dynamic), ResNet-50 and MobileNetV2 at batch 1. --quick
keeps SGEMM only. --target defaults to the widest x86 target this CPU runs (x86-avx512, else
x86-avx2; `compile --list-targets` marks them "runs here"). Each model is compiled once by omc (its compile time and peak memory are
reported) and, for each thread count, run --runs rounds in which omc (//tools:run --repeat) and
onnxruntime-node (bench/ort_latency.js, intra-op threads = the same count) alternate on the same
inputs; each figure is the median over the rounds of each round's median latency. The peak is
bench/fma_probe.c, compiled here and run at each thread count at the start and, for SGEMM, again
before each timed run, which is measured against the probe run just before it: the case's median
latency against the probe's median slice, its minimum against the best slice. Prints one table
and writes a PNG of the omc/onnxruntime time ratios (matplotlib, when /usr/bin/python3 has it).

This is a benchmark, never a timed test: timings depend on what else the machine runs.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from host_targets import host_targets  # noqa: E402


class Failure(Exception):
    pass


def measure_peak(argv, what, timeout=3600, env=None):
    """Runs argv; returns (stdout, seconds, peak RSS in MiB)."""
    # fork + exec + wait4 rather than subprocess: wait4 gives this child's own peak RSS.
    path = f"/tmp/omc-bench-{os.getpid()}.out"
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: exec argv with stdout and stderr to a file
        try:
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, 1)
            os.dup2(out, 2)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            if env is None:
                os.execvp(argv[0], argv)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    deadline = start + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            raise Failure(f"{what} timed out after {timeout}s")
        time.sleep(0.01)
    seconds = time.monotonic() - start
    # onnxruntime-node's library leaves an empty /tmp/mat-debug-PID.log behind each process.
    debris = f"/tmp/mat-debug-{pid}.log"
    if os.path.isfile(debris) and os.path.getsize(debris) == 0:
        os.remove(debris)
    with open(path, errors="replace") as f:
        output = f.read()
    os.remove(path)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = output.strip().splitlines()[-6:]
        raise Failure(f"{what} exited {code}: " + " | ".join(tail))
    return output, seconds, usage.ru_maxrss / 1024.0


def latencies_of(output, what):
    """(median, min) of a "latency_ms median=X min=Y" line."""
    for line in output.splitlines():
        if line.startswith("latency_ms median="):
            fields = dict(f.split("=") for f in line.split()[1:])
            return float(fields["median"]), float(fields["min"])
    raise Failure(f"{what} printed no latency line: {output.strip()[-200:]}")


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = args.work_dir
        os.makedirs(self.work, exist_ok=True)
        self.env = dict(os.environ)
        modules = os.path.join(ROOT, ".deps", "onnxruntime", "node_modules")
        self.env["NODE_PATH"] = os.path.abspath(args.onnxruntime or modules)
        self.rows = []      # one per (case, threads)
        self.compiles = []  # one per model
        self.peaks = {}     # threads -> GFLOP/s

    # ---- the peak -------------------------------------------------------------------------
    def probe_peaks(self):
        probe = os.path.join(self.work, "fma_probe")
        subprocess.run(["clang-22" if self.have("clang-22") else "cc", "-O2", "-pthread", "-o",
                        probe, os.path.join(HERE, "fma_probe.c")], check=True)
        self.probe_path = probe
        for threads in self.args.threads:
            self.peaks[threads] = statistics.median([self.probe(threads)[0]
                                                     for _ in range(self.args.runs)])
            print(f"peak (FMA probe, {threads} thread(s), {self.probe_width()} lanes): "
                  f"{self.peaks[threads]:.1f} GFLOP/s", flush=True)

    def probe_width(self):
        return "16" if self.args.target == "x86-avx512" else "8"

    def probe(self, threads, seconds=0.2, slices=1):
        """The FMA probe's GFLOP/s over `seconds`: (mean, median slice, best slice)."""
        out, _, _ = measure_peak([self.probe_path, self.probe_width(), str(threads),
                                  f"{seconds:.4f}", str(slices)], "fma_probe")
        fields = dict(f.split("=") for f in out.split())
        return float(fields["gflops"]), float(fields["median"]), float(fields["max"])

    @staticmethod
    def have(program):
        return any(os.access(os.path.join(d, program), os.X_OK)
                   for d in os.environ.get("PATH", "").split(os.pathsep))

    # ---- models ---------------------------------------------------------------------------
    def sgemm_model(self, n):
        import onnx
        from onnx import TensorProto, helper
        path = os.path.join(self.work, f"sgemm{n}.onnx")
        if not os.path.exists(path):
            graph = helper.make_graph(
                [helper.make_node("MatMul", ["A", "B"], ["Y"])], f"sgemm{n}",
                [helper.make_tensor_value_info("A", TensorProto.FLOAT, [n, n]),
                 helper.make_tensor_value_info("B", TensorProto.FLOAT, [n, n])],
                [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n, n])])
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
            onnx.save(model, path)
        rng = np.random.default_rng(n)
        inputs = [self.npy(f"sgemm{n}-{name}", rng.uniform(-1, 1, (n, n)).astype(np.float32))
                  for name in "AB"]
        return path, inputs

    def exported(self, name, script, *options):
        path = os.path.join(self.work, f"{name}.onnx")
        if not os.path.exists(path):
            measure_peak([sys.executable, os.path.join(self.args.models_dir, script), *options,
                          "-o", path], f"export {name}", env=self.env)
        return path

    def npy(self, name, array):
        path = os.path.join(self.work, f"{name}.npy")
        np.save(path, array)
        return path

    def compile(self, name, model):
        library = os.path.join(self.work, f"{name}-{self.args.target}.so")
        _, seconds, peak = measure_peak(
            [self.args.compile, f"--target={self.args.target}", "-o", library, model],
            f"compile {name}")
        self.compiles.append((name, seconds, peak))
        print(f"compiled {name}: {seconds:.1f} s, peak {peak:.0f} MiB", flush=True)
        return library

    # ---- timing ---------------------------------------------------------------------------
    def time_case(self, case, library, model, inputs, flops=None):
        for threads in self.args.threads:
            omc_argv = [self.args.run, library, "--threads", str(threads),
                        "--output-dir", os.path.join(self.work, "out")]
            for path in inputs:
                omc_argv += ["--input", path]
            ort_argv = ["node", os.path.join(HERE, "ort_latency.js"), model,
                        "--threads", str(threads)]
            for path in inputs:
                ort_argv += ["--input", path]
            # One untimed-by-us run each sizes --repeat so that a process runs about a second.
            repeat, latency = {}, {}
            for side, argv in (("omc", omc_argv), ("ort", ort_argv)):
                out, _, _ = measure_peak(argv + ["--repeat", "1"], f"{side} {case}", env=self.env)
                latency[side] = latencies_of(out, f"{side} {case}")[0]
                repeat[side] = max(1, min(self.args.max_repeat,
                                          int(1000.0 / max(latency[side], 1e-3))))
            medians = {"omc": [], "ort": []}
            peaks = {"omc": 0.0, "ort": 0.0}
            # A case with a FLOP count takes its % of peak against the probe run just before
            # it in the same round: on a machine whose speed drifts from minute to minute, a
            # peak from the start of the run compares spells that differ. The probe runs as
            # many slices, each as long, as the case's timed runs, so that its median and best
            # slice set the peak for the case's median and best (minimum) latency.
            shares = {"omc": [], "ort": []}
            best_shares = {"omc": [], "ort": []}
            for _ in range(self.args.runs):
                for side, argv in (("omc", omc_argv), ("ort", ort_argv)):
                    if flops:
                        _, median_peak, best_peak = self.probe(
                            threads, repeat[side] * latency[side] / 1000.0, repeat[side])
                    out, _, peak = measure_peak(argv + ["--repeat", str(repeat[side])],
                                                f"{side} {case}", env=self.env)
                    ms, best_ms = latencies_of(out, f"{side} {case}")
                    medians[side].append(ms)
                    peaks[side] = max(peaks[side], peak)
                    if flops:
                        shares[side].append(flops / ms / 1e6 / median_peak)
                        best_shares[side].append(flops / best_ms / 1e6 / best_peak)
            row = {"case": case, "threads": threads, "flops": flops,
                   "omc_ms": statistics.median(medians["omc"]),
                   "ort_ms": statistics.median(medians["ort"]),
                   "omc_mib": peaks["omc"], "ort_mib": peaks["ort"]}
            if flops:
                row["omc_share"] = statistics.median(shares["omc"])
                row["ort_share"] = statistics.median(shares["ort"])
                row["omc_best_share"] = statistics.median(best_shares["omc"])
                row["ort_best_share"] = statistics.median(best_shares["ort"])
            self.rows.append(row)
            print(f"  {case} x{threads}: omc {row['omc_ms']:.3f} ms, onnxruntime "
                  f"{row['ort_ms']:.3f} ms", flush=True)

    def run(self):
        args = self.args
        self.probe_peaks()
        only = set(args.only.split(",")) if args.only else None
        wanted = lambda case: only is None or case in only
        for n in (args.sizes if wanted("sgemm") else []):
            model, inputs = self.sgemm_model(n)
            library = self.compile(f"sgemm{n}", model)
            self.time_case(f"SGEMM {n}", library, model, inputs, flops=2.0 * n * n * n)
        if args.quick:
            return
        rng = np.random.default_rng(0)
        if wanted("gpt2"):
            gpt2 = self.exported("gpt2-124M", "export_gpt2.py", "--config", "124M")
            library = self.compile("gpt2-124M", gpt2)
            for tokens in (1, 128):
                ids = self.npy(f"gpt2-ids-{tokens}",
                               rng.integers(0, 50257, (1, tokens)).astype(np.int64))
                self.time_case(f"GPT-2 124M, {tokens} token(s)", library, gpt2, [ids])
        image = self.npy("image-224", rng.uniform(-1, 1, (1, 3, 224, 224)).astype(np.float32))
        for name, label in (("resnet50", "ResNet-50"), ("mobilenet_v2", "MobileNetV2")):
            if not wanted(name):
                continue
            model = self.exported(name, "export_torchvision.py", "--model", name)
            library = self.compile(name, model)
            self.time_case(f"{label}, batch 1", library, model, [image])

    # ---- report ---------------------------------------------------------------------------
    def table(self):
        lines = [f"target {self.args.target}, medians of {self.args.runs} interleaved rounds; "
                 "% peak: the median over the rounds of GFLOP/s at the median latency / the "
                 "median slice of the FMA probe (as many slices as timed runs, each as long, at "
                 "the same thread count, run just before it in the same round); best: the same "
                 "with the minimum latency and the probe's best slice",
                 "",
                 "| case | threads | omc ms | onnxruntime ms | omc / ort time | omc GFLOP/s "
                 "| ort GFLOP/s | omc % peak | ort % peak | omc % peak, best | ort % peak, best "
                 "| omc run MiB | ort run MiB |",
                 "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                 "| ---: | ---: |"]
        for r in self.rows:
            cells = [r["case"], str(r["threads"]), f"{r['omc_ms']:.3f}", f"{r['ort_ms']:.3f}",
                     f"{r['omc_ms'] / r['ort_ms']:.2f}"]
            if r["flops"]:
                omc = r["flops"] / r["omc_ms"] / 1e6
                ort = r["flops"] / r["ort_ms"] / 1e6
                cells += [f"{omc:.1f}", f"{ort:.1f}"] + [
                    f"{100 * r[key]:.0f}%" for key in ("omc_share", "ort_share",
                                                      "omc_best_share", "ort_best_share")]
            else:
                cells += [""] * 6
            cells += [f"{r['omc_mib']:.0f}", f"{r['ort_mib']:.0f} (node)"]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "| model | omc compile s | omc compile peak MiB |", "| --- | ---: | ---: |"]
        for name, seconds, peak in self.compiles:
            lines.append(f"| {name} | {seconds:.1f} | {peak:.0f} |")
        lines += ["", "peak GFLOP/s at the start: " + ", ".join(f"{t} thread(s) {p:.1f}"
                                                     for t, p in sorted(self.peaks.items()))]
        return "\n".join(lines)

    def plot(self, path):
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("no plot: /usr/bin/python3 has no matplotlib (tools/setup.sh installs "
                  "python3-matplotlib)")
            return
        labels = [f"{r['case']}\n{r['threads']} thr" for r in self.rows]
        ratios = [r["omc_ms"] / r["ort_ms"] for r in self.rows]
        fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(labels)), 4.5))
        colors = ["tab:green" if x <= 1 else "tab:red" for x in ratios]
        ax.bar(range(len(labels)), ratios, color=colors)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=7, rotation=45, ha="right")
        ax.set_yscale("log")
        ax.set_ylabel("omc time / onnxruntime time (lower is better)")
        ax.set_title(f"omc vs onnxruntime ({self.args.target})")
        for i, x in enumerate(ratios):
            ax.text(i, x, f"{x:.2f}", ha="center", va="bottom", fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=120)
        print(f"plot: {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", default=os.path.join(ROOT, "bazel-bin/tools/compile"))
    parser.add_argument("--run", default=os.path.join(ROOT, "bazel-bin/tools/run"))
    parser.add_argument("--onnxruntime", help="a node_modules holding onnxruntime-node "
                        "(default .deps/onnxruntime/node_modules)")
    parser.add_argument("--models-dir", default=os.path.join(ROOT, "tools/models"))
    parser.add_argument("--target", help="default: x86-avx512 where this CPU runs it, else "
                        "x86-avx2")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds (>= 5 for "
                        "reported figures)")
    parser.add_argument("--max-repeat", type=int, default=20,
                        help="most timed iterations per process")
    parser.add_argument("--sizes", default="256,1024,2048", help="SGEMM sizes")
    parser.add_argument("--quick", action="store_true", help="SGEMM only")
    parser.add_argument("--only", help="a comma-separated subset of sgemm, gpt2, resnet50, "
                        "mobilenet_v2 (default: all)")
    parser.add_argument("--work-dir", default="/tmp/omc-bench")
    parser.add_argument("--plot", default=None, help="PNG path (default WORK_DIR/ratios.png)")
    args = parser.parse_args()
    try:
        args.threads = [int(t) for t in args.threads.split(",")]
        args.sizes = [int(n) for n in args.sizes.split(",") if n]
    except ValueError:
        parser.error("--threads and --sizes take comma-separated integers")
    if args.runs < 1 or any(t < 1 for t in args.threads) or any(n < 1 for n in args.sizes):
        parser.error("--runs, --threads and --sizes must be positive")
    for tool in (args.compile, args.run):
        if not os.access(tool, os.X_OK):
            parser.error(f"{tool} is not an executable; build //tools:compile and //tools:run "
                         "or pass --compile/--run")
    if not args.target:
        args.target = "x86-avx512" if "x86-avx512" in host_targets(args.compile) else "x86-avx2"
    bench = Bench(args)
    try:
        bench.run()
    except Failure as failure:
        print(f"compare: error: {failure}", file=sys.stderr)
        if not bench.rows:
            return 1
        print("(partial results)", file=sys.stderr)
    print()
    print(bench.table())
    bench.plot(args.plot or os.path.join(args.work_dir, "ratios.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
