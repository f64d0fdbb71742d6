"""What this host can run, for the test runners that run compiled models.

A model compiled for a wider CPU than the host (x86-avx512 code on a CPU without AVX-512)
cannot run here: the runtime refuses to load it. The runners still compile for such a target
and report its runs SKIPPED, on the console and in Bazel's test.xml, rather than fail or
pass them.
"""
import os
import subprocess
import xml.sax.saxutils


def host_targets(compile_tool):
    """The targets whose code this host runs: those `compile --list-targets` marks
    "runs here"."""
    listing = subprocess.run([compile_tool, "--list-targets"], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    return {line.split("\t")[0] for line in listing.splitlines()
            if line.endswith("\truns here")}


def skip_reason(target):
    return f"runs of {target} code SKIPPED: this host's CPU cannot run it"


def write_test_xml(suite, results):
    """Bazel's test.xml, where the runner asks for one: one testcase per (name, failures,
    skipped) of `results`, marked failed or, without failures, skipped when it has
    skipped checks."""
    path = os.environ.get("XML_OUTPUT_FILE")
    if not path:
        return
    quote = xml.sax.saxutils.quoteattr
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<testsuites><testsuite name={quote(suite)}>\n")
        for name, failures, skipped in results:
            f.write(f"<testcase name={quote(name)}>")
            for message in failures:
                f.write(f"<failure message={quote(message)}/>")
            if skipped and not failures:
                f.write(f"<skipped message={quote('; '.join(skipped))}/>")
            f.write("</testcase>\n")
        f.write("</testsuite></testsuites>\n")
