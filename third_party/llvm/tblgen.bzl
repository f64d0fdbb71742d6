"""gentbl: runs Debian's mlir-tblgen-22 on a project ODS file, one genrule per output;
mlir_pass_library: a component's Passes.td and the cc_library implementing its passes."""

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

def mlir_pass_library(name, pass_group, srcs, deps = [], **kwargs):
    """A component's passes, as MLIR upstream lays them out: `Passes.td` declares them,
    mlir-tblgen turns it into `Passes.h.inc` (target `passes_inc`), and a cc_library
    `name` implements them with `Passes.h` as its header.

    Args:
      name: the cc_library.
      pass_group: the `-name` given to -gen-pass-decls (it names the registration
        function, e.g. "Codegen" for registerCodegenPasses).
      srcs: the library's sources.
      deps: dependencies besides the generated declarations and MLIR/LLVM.
      **kwargs: anything else for the cc_library (hdrs beyond Passes.h, alwayslink, ...).
    """
    gentbl(
        name = "passes_inc",
        outs = [("-gen-pass-decls -name " + pass_group, "Passes.h.inc")],
        td_file = "Passes.td",
    )
    hdrs = ["Passes.h"] + kwargs.pop("hdrs", [])
    cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        deps = [":passes_inc", "@llvm//:llvm_mlir"] + deps,
        **kwargs
    )
