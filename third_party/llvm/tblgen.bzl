"""gentbl: runs Debian's mlir-tblgen-22 on a project ODS file, one genrule per output."""

load("@rules_cc//cc:defs.bzl", "cc_library")

def gentbl(name, td_file, outs, td_srcs = []):
    """Generates .inc files from `td_file` and bundles them in a header-only cc_library.

    Args:
      name: the cc_library holding the generated files as textual headers.
      td_file: the ODS file given to mlir-tblgen.
      outs: a list of (flags, output file) pairs, e.g. ("-gen-op-decls", "Ops.h.inc").
      td_srcs: other project .td files that `td_file` includes.
    """
    generated = []
    for flags, out in outs:
        rule_name = name + "_" + out.replace("/", "_").replace(".", "_")
        native.genrule(
            name = rule_name,
            srcs = [td_file] + td_srcs + ["@llvm//:mlir_td_files"],
            outs = [out],
            tools = ["@llvm//:bin/mlir-tblgen"],
            cmd = ("$(location @llvm//:bin/mlir-tblgen) %s " % flags +
                   "-I external/llvm/include -I . -I $$(dirname $(location %s)) " % td_file +
                   "$(location %s) -o $@" % td_file),
        )
        generated.append(out)
    cc_library(
        name = name,
        textual_hdrs = generated,
    )
