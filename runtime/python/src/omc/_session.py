"""ExecutionSession: a compiled model library, run on numpy arrays."""

import collections
import json
import os

import numpy as np

from . import _omc

Error = _omc.Error
InputError = _omc.InputError


class InputTypeError(InputError, TypeError):
    """An input whose element type (numpy dtype) is not the one the model expects."""


TensorInfo = collections.namedtuple("TensorInfo", ["name", "dtype", "shape"])
TensorInfo.__doc__ = """One input or output of a model: its name, its element type as numpy
names it ("float32", "int64", "bool", ...; "bfloat16" has no numpy dtype) and its shape, a
tuple with -1 for a dynamic dim."""

# Element types numpy has (by name, as in the signature JSON); bfloat16 is the one it lacks.
_NUMPY_TYPES = frozenset([
    "bool", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "complex64", "complex128",
])


def _parse_signature(text):
    return [TensorInfo(t["name"], t["type"], tuple(t["shape"])) for t in json.loads(text)]


def _format_shape(shape):
    return "[" + ", ".join(str(d) for d in shape) + "]"


def _names(infos):
    return ", ".join(repr(info.name) for info in infos)


def _plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


class ExecutionSession:
    """A compiled model library (.so from omc's compile tool), loaded and ready to run.

    ExecutionSession(path, entry_point=None) loads the library (omc.Error if it is missing
    or not an omc model); entry_point picks one of entry_points(), the first by default.
    run() may be called from several threads at once: the model runs without the GIL.
    """

    def __init__(self, path, entry_point=None):
        self._session = _omc.Session(os.fspath(path), entry_point or "")
        self.inputs = _parse_signature(self._session.input_signature())
        self.outputs = _parse_signature(self._session.output_signature())

    @property
    def path(self):
        """The model library's path."""
        return self._session.path

    @property
    def entry_point(self):
        """The entry point run() runs."""
        return self._session.entry_point

    @property
    def threads(self):
        """Threads run() uses for the model's parallel loops, the calling thread included
        (every available core unless set). Setting 0 restores that default; a negative
        count raises omc.Error. Outputs are the same for every count."""
        return self._session.threads

    @threads.setter
    def threads(self, count):
        self._session.threads = int(count)

    def entry_points(self):
        """Every entry point of the library."""
        return self._session.entry_points()

    def input_signature(self):
        """The inputs as a JSON string: [{"name", "type", "elem_type", "shape"}, ...]."""
        return self._session.input_signature()

    def output_signature(self):
        """The outputs as a JSON string, in the same form as input_signature()."""
        return self._session.output_signature()

    def run(self, inputs):
        """Runs the model on a list of numpy arrays, one per input in signature order (or a
        dict from input name to array), and returns a new list of numpy arrays, one per
        output. Arrays may be strided (any slicing, transposes, negative steps) and of any
        byte order. A wrong count, element type or shape raises omc.InputError (a
        ValueError; omc.InputTypeError, also a TypeError, for the element type) naming the
        input, what the model expects and what was given."""
        return self._session.run(self._check_inputs(inputs))

    def __repr__(self):
        return f"omc.{type(self).__name__}({self.path!r}, entry_point={self.entry_point!r})"

    def _check_inputs(self, inputs):
        expected = self.inputs
        if isinstance(inputs, dict):
            inputs = self._order_by_name(inputs)
        elif isinstance(inputs, np.ndarray) or not isinstance(inputs, (list, tuple)):
            raise TypeError(
                f"run() takes a list of numpy arrays, one per input ({_names(expected)}), "
                f"or a dict from input name to array; got {type(inputs).__name__}")
        if len(inputs) != len(expected):
            raise InputError(f"expected {_plural(len(expected), 'input')} ({_names(expected)}), "
                             f"got {len(inputs)}")
        return [self._check_input(i, info, value)
                for i, (info, value) in enumerate(zip(expected, inputs))]

    def _order_by_name(self, by_name):
        known = {info.name for info in self.inputs}
        unknown = [name for name in by_name if name not in known]
        if unknown:
            raise InputError(f"no input named {unknown[0]!r}; the model's inputs are "
                             f"{_names(self.inputs)}")
        ordered = []
        for i, info in enumerate(self.inputs):
            if info.name not in by_name:
                raise InputError(f"input {i} ({info.name!r}) is missing")
            ordered.append(by_name[info.name])
        return ordered

    @staticmethod
    def _check_input(i, info, value):
        where = f"input {i} ({info.name!r})"
        if isinstance(value, np.generic):
            value = np.asarray(value)
        if not isinstance(value, np.ndarray):
            raise InputTypeError(
                f"{where}: expected a numpy array of {info.dtype}, got {type(value).__name__}")
        if info.dtype not in _NUMPY_TYPES:
            raise InputTypeError(f"{where}: expected {info.dtype}, which numpy has no dtype for; "
                                 "omc's Python API cannot feed this input")
        given = value.dtype.name if value.dtype.kind in "biufc" else str(value.dtype)
        if given != info.dtype:
            raise InputTypeError(f"{where}: expected {info.dtype}, got {given}")
        if len(value.shape) != len(info.shape) or any(
                want not in (-1, got) for want, got in zip(info.shape, value.shape)):
            dynamic = " (-1: any size)" if -1 in info.shape else ""
            raise InputError(f"{where}: expected shape {_format_shape(info.shape)}{dynamic}, "
                             f"got {_format_shape(value.shape)}")
        # The runtime reads native-endian elements at whole-element strides.
        if not value.dtype.isnative:
            value = value.astype(value.dtype.newbyteorder("="))
        if any(stride % value.itemsize for stride in value.strides):
            value = np.ascontiguousarray(value)
        return value
