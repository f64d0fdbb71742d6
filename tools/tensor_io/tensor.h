// A tensor that owns dense, row-major data: what tensor files are read into and
// written from, and what the run tool hands to the runtime.
#ifndef OMC_TOOLS_TENSOR_IO_TENSOR_H
#define OMC_TOOLS_TENSOR_IO_TENSOR_H

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "omc/model_abi.h"

namespace omc {

class DenseTensor {
public:
  DenseTensor() = default;

  // A zero-filled tensor; nullopt (with *error set) for an element type without a
  // fixed size, a negative dim or a size that overflows.
  static std::optional<DenseTensor> create(int32_t elemType, std::vector<int64_t> shape,
                                      std::string *error);
  // A dense copy of a (possibly strided) view, e.g. a model output.
  static std::optional<DenseTensor> copyOf(const omc_tensor &view, std::string *error);

  int32_t elemType() const { return elemType_; }
  const std::vector<int64_t> &shape() const { return shape_; }
  int64_t numElements() const { return numElements_; }
  int64_t numBytes() const { return numBytes_; }
  void *data() { return data_.get(); }
  const void *data() const { return data_.get(); }

  const std::string &name() const { return name_; }
  void setName(std::string name) { name_ = std::move(name); }

  // A view for omc_model_run (the tensor keeps the data); nullopt when the rank
  // exceeds OMC_MAX_RANK.
  std::optional<omc_tensor> view() const;

private:
  struct Free {
    void operator()(void *p) const;
  };

  std::string name_;
  int32_t elemType_ = OMC_UNDEFINED;
  std::vector<int64_t> shape_;
  int64_t numElements_ = 0, numBytes_ = 0;
  // 64-byte aligned (a cache line, an AVX-512 vector) and never NULL.
  std::unique_ptr<void, Free> data_;
};

} // namespace omc

#endif // OMC_TOOLS_TENSOR_IO_TENSOR_H
