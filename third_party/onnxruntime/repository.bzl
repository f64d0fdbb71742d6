"""@onnxruntime_node: onnxruntime-node as tools/setup.sh installs it, for tests to compare with.

tools/setup.sh installs onnxruntime-node from npm into .deps/onnxruntime/node_modules/ (ignored by
git). This rule links that node_modules/ into the repository and exposes it as
@onnxruntime_node//:node_modules, with the marker file `node_modules_dir` whose directory is the
one to hand to node as NODE_PATH.

When it is not installed the build must still work (every other test is independent of it): the
repository then holds only a file MISSING whose text says what to do, and the tests that need
onnxruntime fail with that message. The rule is `local`, so Bazel reruns it when its server
restarts; after installing, `bazel sync --only=onnxruntime_node` (or `bazel shutdown`) picks
the install up at once.
"""

_MISSING = """onnxruntime-node is not installed: {path} does not exist.
Run tools/setup.sh (it installs onnxruntime-node into .deps/onnxruntime/), then
`bazel sync --only=onnxruntime_node` or `bazel shutdown` so that Bazel sees it.
"""

def _onnxruntime_node_impl(rctx):
    workspace = rctx.path(Label("@//:WORKSPACE")).dirname
    node_modules = workspace.get_child(".deps").get_child("onnxruntime").get_child("node_modules")
    package = node_modules.get_child("onnxruntime-node").get_child("package.json")
    if package.exists:
        rctx.symlink(node_modules, "node_modules")
        rctx.file("node_modules_dir", "")
        rctx.file("BUILD.bazel", """package(default_visibility = ["//visibility:public"])

# Only what runs on Linux x64: the package also ships macOS and Windows binaries.
filegroup(
    name = "node_modules",
    srcs = ["node_modules_dir"] + glob(
        ["node_modules/**"],
        exclude = [
            "node_modules/**/bin/napi-v*/darwin/**",
            "node_modules/**/bin/napi-v*/win32/**",
            "node_modules/**/bin/napi-v*/linux/arm64/**",
            "node_modules/**/* *",
        ],
    ),
)
""")
    else:
        rctx.file("MISSING", _MISSING.format(path = str(package)))
        rctx.file("BUILD.bazel", """package(default_visibility = ["//visibility:public"])

# onnxruntime-node is not installed: MISSING says what to do.
filegroup(
    name = "node_modules",
    srcs = ["MISSING"],
)
""")

onnxruntime_node_repository = repository_rule(
    implementation = _onnxruntime_node_impl,
    local = True,
)
