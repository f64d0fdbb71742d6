// omc._omc: the compiled half of the Python module. It binds omc::ExecutionSession and
// turns numpy arrays into tensor views and outputs into numpy arrays without copying.
// Argument checks with friendly messages, the compile cache and the rest of the API
// are Python (omc/__init__.py and friends); this file stays small.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "omc/elem_type.h"
#include "omc/execution_session.h"

namespace py = pybind11;

namespace {

// The exception classes, created in PYBIND11_MODULE (the module keeps them alive).
PyObject *gError = nullptr;      // omc.Error(RuntimeError)
PyObject *gInputError = nullptr; // omc.InputError(omc.Error, ValueError)

// The omc_elem_type of a numpy dtype, by numpy's name (the runtime uses the same names),
// or 0 when the runtime has no such type (object, str, datetime, a non-native byte order).
int32_t elemTypeOf(const py::dtype &dtype) {
  if (!dtype.attr("isnative").cast<bool>())
    return 0;
  std::optional<int32_t> type = omc::elemTypeFromName(py::str(dtype.attr("name")).cast<std::string>());
  return type && omc::elemTypeSize(*type) == dtype.itemsize() ? *type : 0;
}

std::string inputWhere(const omc::ExecutionSession &session, size_t i) {
  std::string where = "input " + std::to_string(i);
  if (i < session.inputSignature().size())
    where += " ('" + session.inputSignature()[i].name + "')";
  return where + ": ";
}

// A view of `array` (which the caller keeps alive); numpy's byte strides become
// element strides.
omc::Tensor viewOf(const omc::ExecutionSession &session, size_t i, const py::array &array) {
  int32_t elemType = elemTypeOf(array.dtype());
  if (!elemType)
    throw omc::Error(OMC_ERR_INPUT_MISMATCH,
                     inputWhere(session, i) + "numpy dtype " +
                         py::str(array.dtype()).cast<std::string>() + " has no omc element type");
  std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
  std::vector<int64_t> strides(array.ndim());
  for (py::ssize_t d = 0; d < array.ndim(); ++d) {
    if (array.strides(d) % array.itemsize() != 0)
      throw omc::Error(OMC_ERR_INPUT_MISMATCH,
                       inputWhere(session, i) + "stride " + std::to_string(array.strides(d)) +
                           " bytes is not a whole number of elements");
    strides[d] = array.strides(d) / array.itemsize();
  }
  // mutable_data would insist on a writeable array; the runtime only reads inputs.
  return omc::Tensor::view(const_cast<void *>(array.data()), elemType, shape, strides);
}

// A numpy array over an output's memory; the array frees it when it dies.
py::array toNumpy(const omc::ExecutionSession &session, size_t i, omc::Tensor &tensor) {
  const char *name = omc::elemTypeName(tensor.elemType());
  py::dtype dtype;
  try {
    dtype = py::dtype(std::string(name ? name : "?"));
  } catch (py::error_already_set &) {
    throw omc::Error(OMC_ERR_RUN_FAILED,
                     "output " + std::to_string(i) + " ('" + session.outputSignature()[i].name +
                         "') has element type " + omc::describeElemType(tensor.elemType()) +
                         ", which numpy has no dtype for");
  }
  std::vector<py::ssize_t> shape, strides;
  for (int64_t dim : tensor.shape())
    shape.push_back(dim);
  for (int64_t stride : tensor.strides())
    strides.push_back(stride * tensor.elemSize());
  void *data = tensor.data();
  void *block = tensor.releaseAllocation();
  py::capsule owner(block, [](void *p) { std::free(p); });
  return py::array(dtype, shape, strides, data, owner);
}

py::list run(const omc::ExecutionSession &session, const py::sequence &inputs) {
  std::vector<py::array> arrays; // alive until the run is over
  std::vector<omc::Tensor> views;
  session.requireTensorsOnly(); // before any input is taken for a tensor
  for (size_t i = 0; i < inputs.size(); ++i) {
    py::object item = inputs[i];
    if (!py::isinstance<py::array>(item))
      throw omc::Error(OMC_ERR_INPUT_MISMATCH,
                       inputWhere(session, i) + "expected a numpy array, got " +
                           py::str(item.get_type().attr("__name__")).cast<std::string>());
    arrays.push_back(item.cast<py::array>());
    views.push_back(viewOf(session, i, arrays.back()));
  }
  std::vector<omc::Tensor> outputs;
  {
    // The model reads the arrays and touches no Python object: other Python threads
    // may run meanwhile, and several may be inside run() of the same session.
    py::gil_scoped_release release;
    outputs = session.run(views);
  }
  py::list result;
  for (size_t i = 0; i < outputs.size(); ++i)
    result.append(toNumpy(session, i, outputs[i]));
  return result;
}

PyObject *newException(py::module_ &m, const char *name, py::tuple bases, const char *doc) {
  std::string qualified = std::string("omc.") + name;
  PyObject *type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
  if (!type)
    throw py::error_already_set();
  m.attr(name) = py::reinterpret_borrow<py::object>(type); // the module holds one reference
  return type;
}

} // namespace

PYBIND11_MODULE(_omc, m) {
  m.doc() = "omc's compiled runtime binding; use the omc package, not this module.";

  gError = newException(m, "Error", py::make_tuple(py::handle(PyExc_RuntimeError)),
                        "A failure of the omc runtime or compiler.");
  gInputError = newException(
      m, "InputError", py::make_tuple(py::handle(gError), py::handle(PyExc_ValueError)),
      "Inputs that do not fit the model's input signature (count, element type or shape).");
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown)
        std::rethrow_exception(thrown);
    } catch (const omc::Error &e) {
      PyErr_SetString(e.status() == OMC_ERR_INPUT_MISMATCH ? gInputError : gError, e.what());
    }
  });

  py::class_<omc::ExecutionSession>(m, "Session")
      .def(py::init<const std::string &, const std::string &>(), py::arg("path"),
           py::arg("entry_point") = "")
      .def_property_readonly("path", &omc::ExecutionSession::path)
      .def_property_readonly("entry_point", &omc::ExecutionSession::entryPoint)
      .def_property("threads", &omc::ExecutionSession::threads,
                    &omc::ExecutionSession::setThreads)
      .def("entry_points", &omc::ExecutionSession::entryPoints)
      .def("input_signature", &omc::ExecutionSession::inputSignatureJson)
      .def("output_signature", &omc::ExecutionSession::outputSignatureJson)
      .def("run", &run, py::arg("inputs"));
}
