"""onnx_model_library: an ONNX model as a C/C++ library, compiled by omc during the build.

    load("//tools:onnx_model_library.bzl", "onnx_model_library")

    onnx_model_library(
        name = "mlp",
        src = "mlp.onnx",
        shapes = {"x": [2, 16]},   # or "2x16": fixes the graph input's dynamic dimensions
    )

    cc_binary(name = "app", srcs = ["app.cc"], deps = [":mlp"])   # #include "pkg/mlp.h"

runs //tools:compile twice as build actions, over the declared inputs only (the model and
`data`, e.g. its external weight files): `--emit=obj` for the model's object and
`--emit=header` for `NAME.h`, which declares the model's C ABI under the symbol prefix
`symbol_prefix` (default: `name`), e.g. `mlp_run_main_graph`, and a typed entry point
`mlp_main_graph(const float *x, float *probabilities)` with `MLP_MAIN_GRAPH_X_SIZE`-style
constants (see runtime/include/omc/static_model.h). The same inputs give the same bytes, so
Bazel's disk and remote caches and remote execution serve these actions like any other.

`target` defaults from the build's configuration: `aarch64-neon` under `--config=aarch64`,
`x86-avx2` (x86-64-v3) otherwise. `opt` is the optimization level, 0 to 3 (default 2). The
compiler itself is always built for and run on x86-64, also in an AArch64 build. In a plain
x86 build the transition below changes nothing, so it is the very same binary as
//tools:compile, built once (cfg = "exec" would build the whole compiler a second time in the
exec configuration); under --config=aarch64 it is built once more, in an x86 configuration of
its own.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")

# The compiler runs where the build runs (x86-64): the same options as a plain build, so in
# one it is the same configuration, and under --config=aarch64 they undo the cross toolchain.
_X86_OPTIONS = {
    "//command_line_option:crosstool_top": "@bazel_tools//tools/cpp:toolchain",
    "//command_line_option:cpu": "k8",
}

def _to_x86_impl(settings, attr):
    return _X86_OPTIONS

_to_x86 = transition(
    implementation = _to_x86_impl,
    inputs = [],
    outputs = _X86_OPTIONS.keys(),
)

def _compile_action(ctx, compiler, emit, out):
    args = ctx.actions.args()
    args.add("--target=" + ctx.attr.target)
    args.add("--emit=" + emit)
    args.add("--symbol-prefix=" + ctx.attr.symbol_prefix)
    for name, dims in sorted(ctx.attr.shapes.items()):
        args.add("--shape=%s=%s" % (name, dims))
    args.add("-O%d" % ctx.attr.opt)
    args.add("-o", out)
    args.add(ctx.file.src)
    ctx.actions.run(
        executable = compiler,
        arguments = [args],
        inputs = [ctx.file.src] + ctx.files.data,
        outputs = [out],
        mnemonic = "OmcCompile",
        progress_message = "Compiling ONNX model %s for %s (%s)" % (
            ctx.file.src.short_path,
            ctx.attr.target,
            emit,
        ),
        # Nothing but the model is read: no network, no environment.
        execution_requirements = {"block-network": ""},
        use_default_shell_env = False,
    )

def _onnx_model_compile_impl(ctx):
    compiler = ctx.attr._compiler[0][DefaultInfo].files_to_run
    obj = ctx.actions.declare_file(ctx.attr.library + ".o")
    header = ctx.actions.declare_file(ctx.attr.library + ".h")
    _compile_action(ctx, compiler, "obj", obj)
    _compile_action(ctx, compiler, "header", header)
    return [
        DefaultInfo(files = depset([obj, header])),
        OutputGroupInfo(object = depset([obj]), header = depset([header])),
    ]

_onnx_model_compile = rule(
    implementation = _onnx_model_compile_impl,
    attrs = {
        "src": attr.label(mandatory = True, allow_single_file = [".onnx"]),
        "data": attr.label_list(allow_files = True),
        "library": attr.string(mandatory = True),
        "target": attr.string(mandatory = True),
        "symbol_prefix": attr.string(mandatory = True),
        "shapes": attr.string_dict(),
        "opt": attr.int(default = 2, values = [0, 1, 2, 3]),
        "_compiler": attr.label(
            default = "//tools:compile",
            executable = True,
            cfg = _to_x86,
        ),
        "_whitelist_function_transition": attr.label(
            default = "@bazel_tools//tools/whitelists/function_transition_whitelist",
        ),
    },
)

def _dims(name, dims):
    if type(dims) == "string":
        return dims
    if type(dims) != "list":
        fail("shapes[%r] must be a list of dimensions or a string like '1x3x224x224'" % name)
    return "x".join([str(d) for d in dims])

def onnx_model_library(
        name,
        src,
        target = None,
        shapes = {},
        opt = 2,
        symbol_prefix = None,
        data = [],
        **kwargs):
    """An ONNX model compiled by omc, as a cc_library with its object and header NAME.h.

    Args:
      name: the cc_library; also the header's name and the default symbol prefix.
      src: the .onnx file.
      target: an omc target (`compile --list-targets`); default from the configuration.
      shapes: graph input name -> its shape, a list of dimensions or "D0xD1x...".
      opt: optimization level 0..3.
      symbol_prefix: the C identifier the exported symbols start with (default: name).
      data: other files the model reads (external weights beside it).
      **kwargs: passed on to the cc_library (visibility, tags, testonly, ...).
    """
    if target == None:
        target = select({
            "//tools/cross:aarch64": "aarch64-neon",
            "//conditions:default": "x86-avx2",
        })
    compiled = name + "_omc"
    _onnx_model_compile(
        name = compiled,
        src = src,
        data = data,
        library = name,
        target = target,
        symbol_prefix = symbol_prefix or name,
        shapes = {k: _dims(k, v) for k, v in shapes.items()},
        opt = opt,
        visibility = ["//visibility:private"],
        tags = kwargs.get("tags", []),
        testonly = kwargs.get("testonly", False),
    )
    native.filegroup(name = compiled + "_object", srcs = [compiled], output_group = "object")
    native.filegroup(name = compiled + "_header", srcs = [compiled], output_group = "header")
    cc_library(
        name = name,
        srcs = [compiled + "_object"],
        hdrs = [compiled + "_header"],
        # The model calls libm for what it does not expand inline (f64 math).
        linkopts = ["-lm"],
        deps = ["//runtime:static_model"],
        **kwargs
    )
