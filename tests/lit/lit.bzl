"""lit_tests: one sh_test per FileCheck test file, run by lit_runner.sh."""

def lit_tests(srcs, with_compile = False):
    """One test per file in srcs.

    with_compile puts //tools:compile on PATH as `omc-compile` and the ONNX backend test data
    at %testdata, for tests of the importer on real models.
    """
    for src in srcs:
        args = [
            "$(rootpath //tools:opt)",
            "$(rootpath @llvm//:bin/FileCheck)",
            "$(rootpath @llvm//:bin/not)",
            "$(rootpath %s)" % src,
        ]
        data = [
            src,
            "//tools:opt",
            "@llvm//:bin/FileCheck",
            "@llvm//:bin/not",
        ]
        if with_compile:
            args.append("$(rootpath //tools:compile)")
            data += [
                "//tools:compile",
                "@onnx_testdata//:node",
                "@onnx_testdata//:pytorch-converted",
                "@onnx_testdata//:pytorch-operator",
            ]
        native.sh_test(
            name = src.replace("/", "_").replace(".mlir", ""),
            srcs = ["//tests/lit:lit_runner.sh"],
            args = args,
            data = data,
            size = "small",
        )
