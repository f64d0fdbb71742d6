"""Compiling ONNX models with omc's compile tool, through a cache of compiled libraries."""

import collections
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

from ._session import Error, ExecutionSession


class CompileError(Error):
    """The compile tool is missing or failed on the model."""


CompiledModel = collections.namedtuple("CompiledModel", ["path", "from_cache"])

_CACHE_VERSION = b"omc compiled-model cache 1\0"


def find_compiler():
    """The compile tool: $OMC_COMPILE, else bazel-bin/tools/compile beside the bazel-bin this
    module was built into, else omc-compile or compile on PATH."""
    tried = []
    env = os.environ.get("OMC_COMPILE")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return os.path.abspath(env)
        raise CompileError(f"$OMC_COMPILE is {env!r}, which is not an executable file")
    tried.append("$OMC_COMPILE (not set)")
    # This file is bazel-bin/runtime/python/omc/_compile.py (or the same place in a test's
    # runfiles); the tool is bazel-bin/tools/compile. The lexical path works through the
    # bazel-bin symlink and in runfiles, the resolved one when the file was copied elsewhere
    # with a symlink to it.
    for here in (os.path.abspath(__file__), os.path.realpath(__file__)):
        candidate = os.path.normpath(
            os.path.join(os.path.dirname(here), "..", "..", "..", "tools", "compile"))
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        if candidate not in tried:
            tried.append(candidate)
    for name in ("omc-compile", "compile"):
        found = shutil.which(name)
        if found:
            return found
    tried.append("omc-compile and compile on PATH")
    raise CompileError("cannot find omc's compile tool; tried " + ", ".join(tried) +
                       ". Build it with `bazel build //tools:compile` or set $OMC_COMPILE")


def default_cache_dir():
    """$OMC_CACHE_DIR, else ~/.cache/omc/compiled."""
    return os.environ.get("OMC_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "omc", "compiled")


def _file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _host_cpu():
    """What the compile tool's default target depends on: the host CPU's model and flags
    (a cache directory may be shared by machines with different CPUs)."""
    try:
        with open("/proc/cpuinfo") as f:
            lines = [line for line in f if line.startswith(("model name", "flags"))]
        return hashlib.sha256("".join(sorted(set(lines))).encode()).hexdigest()
    except OSError:
        import platform
        return platform.machine() + " " + platform.processor()


def _shape_flags(shapes):
    flags = []
    for name, dims in sorted((shapes or {}).items()):
        if isinstance(dims, str):
            text = dims
        else:
            try:
                dims = [int(d) for d in dims]
            except (TypeError, ValueError):
                raise ValueError(f"shapes[{name!r}] must be a sequence of dims, e.g. (1, 128), "
                                 f"or a string like '1x128'; got {dims!r}") from None
            if any(d < 0 for d in dims):
                raise ValueError(f"shapes[{name!r}] = {dims}: dims must be >= 0")
            text = "x".join(str(d) for d in dims)
        flags.append(f"--shape={name}={text}")
    return flags


def _compile_options(target, shapes, opt_level):
    if opt_level not in (0, 1, 2, 3):
        raise ValueError(f"opt_level must be 0, 1, 2 or 3, got {opt_level!r}")
    flags = []
    if target:
        flags.append(f"--target={target}")
    return flags + _shape_flags(shapes) + [f"-O{opt_level}"]


def _cache_key(model_path, compiler, flags, target):
    stat = os.stat(compiler)
    identity = {
        "model_sha256": _file_digest(model_path),
        "flags": flags,
        # The default target is the best one for the host: the key names the host then.
        "host_cpu": None if target else _host_cpu(),
        "compiler": [os.path.realpath(compiler), stat.st_size, stat.st_mtime_ns],
    }
    text = json.dumps(identity, sort_keys=True).encode()
    return hashlib.sha256(_CACHE_VERSION + text).hexdigest(), identity


def _run_compiler(compiler, flags, model_path, output):
    command = [compiler] + flags + ["-o", output, model_path]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip() or "(no output)").splitlines()
        raise CompileError(f"compiling {model_path} failed (exit status {result.returncode}): " +
                           "\n".join(message[-20:]) + "\ncommand: " + " ".join(command))


def compile_model(model_path, target=None, shapes=None, opt_level=2, cache_dir=None):
    """Compiles an ONNX model into a model library, or finds it compiled in the cache.

    The cache key is the model file's content (SHA-256 of its bytes), the options, the
    compile tool's identity (its path, size and modification time) and, without a target,
    the host CPU. Returns CompiledModel(path, from_cache). Raises CompileError when the
    tool cannot be found or fails, ValueError for malformed options."""
    model_path = os.fspath(model_path)
    if not os.path.isfile(model_path):
        raise FileNotFoundError(f"no such model file: {model_path}")
    flags = _compile_options(target, shapes, opt_level)
    compiler = find_compiler()
    key, identity = _cache_key(model_path, compiler, flags, target)
    cache_dir = os.fspath(cache_dir) if cache_dir else default_cache_dir()
    # Named by the key alone, so that the same bytes under another name hit; the .json beside
    # it says what it was compiled from.
    library = os.path.join(cache_dir, key[:40] + ".so")
    if os.path.isfile(library):
        return CompiledModel(library, True)

    os.makedirs(cache_dir, exist_ok=True)
    # Compile under a temporary name and rename: the cache never holds a partial library,
    # and concurrent compilations of the same model just replace each other's result.
    fd, partial = tempfile.mkstemp(prefix=f".{key[:40]}.", suffix=".so", dir=cache_dir)
    os.close(fd)
    note = partial[:-len(".so")] + ".json"
    try:
        _run_compiler(compiler, flags, model_path, partial)
        with open(note, "w") as f:
            json.dump(dict(identity, model_path=os.path.abspath(model_path)), f,
                      indent=1, sort_keys=True)
        os.replace(note, os.path.splitext(library)[0] + ".json")
        os.replace(partial, library)
    finally:
        for leftover in (partial, note):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return CompiledModel(library, False)


def _loads(library):
    try:
        ExecutionSession(library)
        return True
    except Error:
        return False


class CompileExecutionSession(ExecutionSession):
    """An ONNX model compiled (or found compiled in the cache) and loaded.

    CompileExecutionSession(model_path, target=None, shapes=None, opt_level=2,
                            entry_point=None, cache_dir=None)
    target: a --target of the compile tool ("x86-avx2", "x86-avx512"); None: the best one
    for this host. shapes: {input name: dims} fixes dynamic input dims, e.g.
    {"input_ids": (1, 128)}. opt_level: 0..3. After construction, .library_path is the
    compiled library and .compiled_from_cache says whether it came from the cache."""

    def __init__(self, model_path, target=None, shapes=None, opt_level=2, entry_point=None,
                 cache_dir=None):
        compiled = compile_model(model_path, target, shapes, opt_level, cache_dir)
        try:
            super().__init__(compiled.path, entry_point)
        except Error:
            if not compiled.from_cache or _loads(compiled.path):
                raise  # not the cache's fault (e.g. an unknown entry point)
            # A damaged cache entry (a disk filled up, a hand-edited file): compile afresh.
            os.unlink(compiled.path)
            compiled = compile_model(model_path, target, shapes, opt_level, cache_dir)
            super().__init__(compiled.path, entry_point)
        self.model_path = os.fspath(model_path)
        self.library_path = compiled.path
        self.compiled_from_cache = compiled.from_cache
