"""Builds a binary for AArch64 inside a build for this machine.

`aarch64_binary(name, binary)` is `binary` built with the AArch64 cross toolchain
(//third_party/aarch64_toolchain), through a configuration transition: an x86 `bazel test`
can then run, under qemu-aarch64, an AArch64 runner next to an x86 compiler. It sets the same
options as `--config=aarch64` in .bazelrc.
"""

AARCH64_OPTIONS = {
    "//command_line_option:crosstool_top": "//third_party/aarch64_toolchain:suite",
    "//command_line_option:cpu": "aarch64",
    "//command_line_option:host_crosstool_top": "@bazel_tools//tools/cpp:toolchain",
}

def _to_aarch64_impl(settings, attr):
    return AARCH64_OPTIONS

_to_aarch64 = transition(
    implementation = _to_aarch64_impl,
    inputs = [],
    outputs = AARCH64_OPTIONS.keys(),
)

def _aarch64_binary_impl(ctx):
    binary = ctx.attr.binary[0]
    source = binary[DefaultInfo].files_to_run.executable
    if not source:
        fail("%s is not an executable" % ctx.attr.binary[0].label)
    out = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = out, target_file = source, is_executable = True)
    runfiles = ctx.runfiles(files = [out]).merge(binary[DefaultInfo].default_runfiles)
    return [DefaultInfo(files = depset([out]), executable = out, runfiles = runfiles)]

aarch64_binary = rule(
    implementation = _aarch64_binary_impl,
    attrs = {
        "binary": attr.label(mandatory = True, cfg = _to_aarch64, executable = True),
        "_whitelist_function_transition": attr.label(
            default = "@bazel_tools//tools/whitelists/function_transition_whitelist",
        ),
    },
    executable = True,
)
