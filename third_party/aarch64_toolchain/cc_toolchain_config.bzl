"""A C++ toolchain config for Debian's AArch64 cross compiler (g++-aarch64-linux-gnu).

The compiler, its headers and AArch64 glibc live under /usr (gcc-cross and aarch64-linux-gnu);
tools/setup.sh installs them. What the binaries need on an Arm machine: glibc 2.35 or newer and
libstdc++6 of GCC 11 or newer, as on Debian 12 or Ubuntu 22.04.
"""

load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
    "with_feature_set",
)
load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")

_PREFIX = "/usr/bin/aarch64-linux-gnu-"

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.cpp_module_codegen,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
    ACTION_NAMES.cpp_link_dynamic_library,
    ACTION_NAMES.cpp_link_nodeps_dynamic_library,
]

def _flags(actions, flags, features = None):
    return flag_set(
        actions = actions,
        flag_groups = [flag_group(flags = flags)],
        with_features = [with_feature_set(features = features)] if features else [],
    )

def _impl(ctx):
    tools = ["ar", "cpp", "gcc", "gcov", "ld", "nm", "objcopy", "objdump", "strip"]
    tool_paths = [tool_path(name = name, path = _PREFIX + name) for name in tools]

    compile_flags = feature(
        name = "default_compile_flags",
        enabled = True,
        flag_sets = [
            _flags(_COMPILE_ACTIONS, [
                "-fstack-protector",
                "-Wall",
                "-fno-omit-frame-pointer",
                # Reproducible objects: no host paths or build dates in them.
                "-no-canonical-prefixes",
                "-Wno-builtin-macro-redefined",
                "-D__DATE__=\"redacted\"",
                "-D__TIMESTAMP__=\"redacted\"",
                "-D__TIME__=\"redacted\"",
            ]),
            _flags(_COMPILE_ACTIONS, ["-g"], ["dbg"]),
            _flags(_COMPILE_ACTIONS, [
                "-O2",
                "-DNDEBUG",
                "-ffunction-sections",
                "-fdata-sections",
            ], ["opt"]),
        ],
    )
    link_flags = feature(
        name = "default_link_flags",
        enabled = True,
        flag_sets = [
            _flags(_LINK_ACTIONS, [
                "-lstdc++",
                "-lm",
                "-Wl,-z,relro,-z,now",
                "-no-canonical-prefixes",
            ]),
            _flags(_LINK_ACTIONS, ["-Wl,--gc-sections"], ["opt"]),
        ],
    )

    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        toolchain_identifier = "aarch64-linux-gnu-gcc",
        host_system_name = "x86_64-unknown-linux-gnu",
        target_system_name = "aarch64-unknown-linux-gnu",
        target_cpu = "aarch64",
        target_libc = "glibc",
        compiler = "gcc",
        abi_version = "aarch64",
        abi_libc_version = "glibc",
        tool_paths = tool_paths,
        features = [
            compile_flags,
            link_flags,
            feature(name = "supports_pic", enabled = True),
            feature(name = "supports_dynamic_linker", enabled = True),
            feature(name = "opt"),
            feature(name = "dbg"),
            feature(name = "fastbuild"),
        ],
        # What the compiler searches on its own (`aarch64-linux-gnu-g++ -E -v`): its C++ and
        # builtin headers, AArch64 glibc's, and /usr/include last (arch-independent headers).
        cxx_builtin_include_directories = [
            "/usr/aarch64-linux-gnu/include",
            "/usr/lib/gcc-cross/aarch64-linux-gnu/12/include",
            "/usr/include",
        ],
    )

aarch64_cc_toolchain_config = rule(
    implementation = _impl,
    attrs = {},
    provides = [CcToolchainConfigInfo],
)
