"""lit_test: one sh_test per FileCheck test file, run by lit_runner.sh."""

def lit_tests(srcs):
    for src in srcs:
        native.sh_test(
            name = src.replace("/", "_").replace(".mlir", ""),
            srcs = ["//tests/lit:lit_runner.sh"],
            args = [
                "$(rootpath //tools:opt)",
                "$(rootpath @llvm//:bin/FileCheck)",
                "$(rootpath @llvm//:bin/not)",
                "$(rootpath %s)" % src,
            ],
            data = [
                src,
                "//tools:opt",
                "@llvm//:bin/FileCheck",
                "@llvm//:bin/not",
            ],
            size = "small",
        )
