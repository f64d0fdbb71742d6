// The omc runtime's C++ API: a compiled model library as an object, tensors as owning
// values, errors as exceptions. A thin layer over the C API (omc/runtime.h), which
// does the loading, the input checks and the output normalization.
//
//   omc::ExecutionSession session("model.so");          // throws omc::Error
//   for (const omc::TensorSignature &in : session.inputSignature())
//     std::cout << in.name << " " << omc::formatShape(in.shape) << "\n";
//   std::vector<omc::Tensor> inputs;
//   inputs.push_back(omc::Tensor::fromValues<float>({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}));
//   inputs.push_back(omc::Tensor::view(otherData, OMC_FLOAT, {2, 4}));  // no copy
//   std::vector<omc::Tensor> outputs = session.run(inputs);
//   std::vector<float> c = outputs[0].toVector<float>();
//
// A session can run from several threads at once: run() is const, and the C API keeps
// no per-call state in the model. Every output is a fresh, contiguous tensor that owns
// its memory and stays valid after the session is gone.
#ifndef OMC_EXECUTION_SESSION_H
#define OMC_EXECUTION_SESSION_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "omc/model_abi.h"
#include "omc/runtime.h"
#include "omc/signature.h"

namespace omc {

// Every failure of the C++ API: the C API's status and its one-line message.
class Error : public std::runtime_error {
public:
  Error(omc_status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}
  omc_status status() const noexcept { return status_; }

private:
  omc_status status_;
};

// The omc_elem_type of a C++ element type, for the typed accessors below. float16 and
// bfloat16 have no C++ type here: use data() and elemType() for those.
template <typename T> struct ElemTypeOf;
template <> struct ElemTypeOf<float> { static constexpr int32_t value = OMC_FLOAT; };
template <> struct ElemTypeOf<double> { static constexpr int32_t value = OMC_DOUBLE; };
template <> struct ElemTypeOf<int8_t> { static constexpr int32_t value = OMC_INT8; };
template <> struct ElemTypeOf<int16_t> { static constexpr int32_t value = OMC_INT16; };
template <> struct ElemTypeOf<int32_t> { static constexpr int32_t value = OMC_INT32; };
template <> struct ElemTypeOf<int64_t> { static constexpr int32_t value = OMC_INT64; };
template <> struct ElemTypeOf<uint8_t> { static constexpr int32_t value = OMC_UINT8; };
template <> struct ElemTypeOf<uint16_t> { static constexpr int32_t value = OMC_UINT16; };
template <> struct ElemTypeOf<uint32_t> { static constexpr int32_t value = OMC_UINT32; };
template <> struct ElemTypeOf<uint64_t> { static constexpr int32_t value = OMC_UINT64; };
template <> struct ElemTypeOf<bool> { static constexpr int32_t value = OMC_BOOL; };

// An omc_tensor with RAII: either it owns its memory (a block from malloc, released in
// the destructor) or it is a view of memory the caller keeps alive. Movable, not
// copyable (a copy of a large tensor should be visible in the code: use clone()).
class Tensor {
public:
  // An empty tensor: no data, element type OMC_UNDEFINED, rank 0.
  Tensor() noexcept;
  ~Tensor();
  Tensor(Tensor &&other) noexcept;
  Tensor &operator=(Tensor &&other) noexcept;
  Tensor(const Tensor &) = delete;
  Tensor &operator=(const Tensor &) = delete;

  // A new contiguous tensor filled with zero bytes, owning its memory.
  static Tensor zeros(int32_t elemType, const std::vector<int64_t> &shape);

  // A new contiguous tensor holding a copy of `values` (row-major); their count must
  // be the shape's element count.
  template <typename T>
  static Tensor fromValues(const std::vector<int64_t> &shape, const std::vector<T> &values);

  // A view of caller-owned memory; strides are in elements (empty: row-major). The
  // memory must outlive the tensor and every run() it is passed to.
  static Tensor view(void *data, int32_t elemType, const std::vector<int64_t> &shape,
                     const std::vector<int64_t> &strides = {});

  // Takes over a tensor that omc_model_run filled (it frees raw.allocation later).
  static Tensor adopt(const omc_tensor &raw) noexcept;

  // A contiguous copy that owns its memory.
  Tensor clone() const;

  int32_t elemType() const { return raw_.elem_type; }
  int32_t rank() const { return raw_.rank; }
  std::vector<int64_t> shape() const { return {raw_.shape, raw_.shape + raw_.rank}; }
  std::vector<int64_t> strides() const { return {raw_.strides, raw_.strides + raw_.rank}; }
  int64_t numElements() const;
  int64_t elemSize() const; // bytes per element
  bool ownsData() const { return raw_.allocation != nullptr; }

  void *data() { return raw_.data; }
  const void *data() const { return raw_.data; }

  // The data as T*; throws omc::Error if T is not the tensor's element type. Index it
  // with strides() (every tensor that run() returns is contiguous).
  template <typename T> T *dataAs() {
    checkType(ElemTypeOf<T>::value);
    return static_cast<T *>(raw_.data);
  }
  template <typename T> const T *dataAs() const {
    checkType(ElemTypeOf<T>::value);
    return static_cast<const T *>(raw_.data);
  }

  // The elements in row-major order (strides followed); throws on a type mismatch.
  template <typename T> std::vector<T> toVector() const;

  // The C view, for the C API.
  const omc_tensor &raw() const { return raw_; }

  // Hands the memory block over to the caller (release it with free()); the tensor
  // stays a view of it. Returns nullptr for a view.
  void *releaseAllocation() noexcept;

private:
  void checkType(int32_t expected) const;
  void copyContiguousTo(void *dst) const;

  omc_tensor raw_;
};

// A loaded model library and one of its entry points (the first unless named).
// Movable, not copyable. Loading fails with omc::Error (missing file, not an omc model,
// malformed signature, unknown entry point).
class ExecutionSession {
public:
  explicit ExecutionSession(const std::string &path, const std::string &entryPoint = "");
  ~ExecutionSession();
  ExecutionSession(ExecutionSession &&) noexcept;
  ExecutionSession &operator=(ExecutionSession &&) noexcept;
  ExecutionSession(const ExecutionSession &) = delete;
  ExecutionSession &operator=(const ExecutionSession &) = delete;

  const std::string &path() const { return path_; }
  const std::string &entryPoint() const { return entryPoint_; }
  // Every entry point of the library, in its order.
  std::vector<std::string> entryPoints() const;

  // The signatures as the library exports them (JSON, format in model_abi.h) and
  // parsed: names, element types, shapes with kDynamicDim (-1) for dynamic dims.
  const std::string &inputSignatureJson() const { return inputJson_; }
  const std::string &outputSignatureJson() const { return outputJson_; }
  const Signature &inputSignature() const { return inputs_; }
  const Signature &outputSignature() const { return outputs_; }

  // Threads the session's runs use for parallel loops, the calling thread included
  // (omc_model_set_threads): 0 (the default) means every available core; a negative
  // count throws omc::Error. Outputs do not depend on it.
  void setThreads(int64_t threads);
  int64_t threads() const; // the count in effect, >= 1

  // Runs the entry point. Inputs may be owning tensors or views, strided or not.
  // Wrong inputs throw omc::Error with status OMC_ERR_INPUT_MISMATCH and a message
  // naming the input, e.g. "input 0 ('x'): dim 1 is 5, expected 4".
  // Sessions run entry points of tensors only: one that takes or returns a sequence or
  // optional throws omc::Error (OMC_ERR_INPUT_MISMATCH) naming it; run those through
  // the C API (omc_model_run, model_abi.h) or tools/run.
  std::vector<Tensor> run(const std::vector<Tensor> &inputs) const;
  std::vector<Tensor> run(const omc_tensor *inputs, size_t numInputs) const;
  // Throws that error when the entry point has a sequence or optional value.
  void requireTensorsOnly() const;

private:
  struct Unload {
    void operator()(omc_model *model) const { omc_model_unload(model); }
  };

  std::unique_ptr<omc_model, Unload> model_;
  std::string path_, entryPoint_;
  std::string inputJson_, outputJson_;
  Signature inputs_, outputs_;
};

// ---- templates ----

template <typename T>
Tensor Tensor::fromValues(const std::vector<int64_t> &shape, const std::vector<T> &values) {
  static_assert(std::is_trivially_copyable<T>::value, "elements must be plain values");
  Tensor tensor = zeros(ElemTypeOf<T>::value, shape);
  if (static_cast<int64_t>(values.size()) != tensor.numElements())
    throw Error(OMC_ERR_INVALID_ARGUMENT,
                "Tensor::fromValues: " + std::to_string(values.size()) +
                    " values for shape " + formatShape(shape) + " of " +
                    std::to_string(tensor.numElements()) + " elements");
  if (!values.empty())
    std::memcpy(tensor.data(), values.data(), values.size() * sizeof(T));
  return tensor;
}

template <> inline Tensor Tensor::fromValues<bool>(const std::vector<int64_t> &shape,
                                                   const std::vector<bool> &values) {
  // vector<bool> is packed: copy element by element, one byte each.
  Tensor tensor = zeros(OMC_BOOL, shape);
  if (static_cast<int64_t>(values.size()) != tensor.numElements())
    throw Error(OMC_ERR_INVALID_ARGUMENT,
                "Tensor::fromValues: " + std::to_string(values.size()) +
                    " values for shape " + formatShape(shape) + " of " +
                    std::to_string(tensor.numElements()) + " elements");
  bool *out = static_cast<bool *>(tensor.data());
  for (size_t i = 0; i < values.size(); ++i)
    out[i] = values[i];
  return tensor;
}

template <typename T> std::vector<T> Tensor::toVector() const {
  checkType(ElemTypeOf<T>::value);
  std::vector<T> values(static_cast<size_t>(numElements()));
  if (!values.empty())
    copyContiguousTo(values.data());
  return values;
}

template <> inline std::vector<bool> Tensor::toVector<bool>() const {
  checkType(OMC_BOOL);
  std::vector<uint8_t> bytes(static_cast<size_t>(numElements()));
  if (!bytes.empty())
    copyContiguousTo(bytes.data());
  return std::vector<bool>(bytes.begin(), bytes.end());
}

} // namespace omc

#endif // OMC_EXECUTION_SESSION_H
