"""omc: run ONNX models compiled by omc, from Python.

Build the module (and the compile tool, for CompileExecutionSession), then import it under
Debian's Python, which has numpy:

    bazel build //runtime/python:omc //tools:compile
    PYTHONPATH=bazel-bin/runtime/python /usr/bin/python3

Run a model library that `compile` produced:

    import numpy as np
    import omc

    session = omc.ExecutionSession("/tmp/add.so")
    print(session.input_signature())   # JSON: [{"name":"x","type":"float32","shape":[3,4,5]}, ...]
    print(session.inputs)              # [TensorInfo(name='x', dtype='float32', shape=(3, 4, 5)), ...]
    x = np.ones((3, 4, 5), np.float32)
    (total,) = session.run([x, x])     # a list of numpy arrays in, a list out
    total = session.run({"x": x, "y": x})[0]   # or inputs by name

Compile an ONNX model and run it; the compiled library is cached, so the second
construction loads it without compiling:

    session = omc.CompileExecutionSession("gpt2.onnx", target="x86-avx2",
                                          shapes={"input_ids": (1, 128)}, opt_level=3)
    session.compiled_from_cache        # False the first time, True afterwards
    session.library_path               # the cached .so
    logits = session.run([np.zeros((1, 128), np.int64)])[0]

target=None compiles for the best target of this host, shapes fixes dynamic input dims
(the rest stay dynamic), opt_level is 0..3. The compile tool is $OMC_COMPILE, else
bazel-bin/tools/compile beside this module's bazel-bin, else omc-compile or compile on PATH.
The cache is $OMC_CACHE_DIR, else ~/.cache/omc/compiled/; its key is the model file's bytes
(not external data files beside it), the options, the compile tool (path, size, mtime) and,
without a target, the host CPU. omc.compile_model() compiles without loading.

Inputs are numpy arrays of the model's element types (bool, int8..int64, uint8..uint64,
float16, float32, float64, complex64, complex128; bfloat16 inputs cannot be fed from numpy),
strided or not. Inputs that do not fit raise before the model runs, naming the input, what
was expected and what was given:

    omc.InputError: expected 2 inputs ('x', 'y'), got 1
    omc.InputTypeError: input 0 ('x'): expected float32, got float64
    omc.InputError: input 0 ('x'): expected shape [3, 4, 5], got [3, 4]

omc.InputError is a ValueError and omc.InputTypeError also a TypeError; both are omc.Error
(a RuntimeError), as are load failures and omc.CompileError. run() releases the GIL while
the model runs, so one session can serve several threads at once.
"""

from ._omc import Error, InputError
from ._session import ExecutionSession, InputTypeError, TensorInfo
from ._compile import (CompileError, CompileExecutionSession, CompiledModel, compile_model,
                       default_cache_dir, find_compiler)

__all__ = [
    "CompileError",
    "CompileExecutionSession",
    "CompiledModel",
    "Error",
    "ExecutionSession",
    "InputError",
    "InputTypeError",
    "TensorInfo",
    "compile_model",
    "default_cache_dir",
    "find_compiler",
]

# Everything above is public as omc.NAME: say so in reprs and tracebacks.
for _name in __all__:
    _value = globals()[_name]
    if isinstance(_value, type) and _value.__module__.startswith("omc."):
        _value.__module__ = "omc"
del _name, _value
