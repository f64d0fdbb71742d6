#include "tools/tensor_io/tensor.h"

#include <cstdlib>
#include <cstring>

#include "omc/elem_type.h"
#include "omc/tensor_layout.h"

namespace omc {
namespace {

constexpr size_t kAlignment = 64;

bool fail(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return false;
}

} // namespace

void DenseTensor::Free::operator()(void *p) const { std::free(p); }

std::optional<DenseTensor> DenseTensor::create(int32_t elemType, std::vector<int64_t> shape,
                                     std::string *error) {
  int64_t elemSize = elemTypeSize(elemType);
  if (elemSize == 0) {
    fail(error, "unsupported element type " + describeElemType(elemType));
    return std::nullopt;
  }
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) {
      fail(error, "negative dim " + std::to_string(dim));
      return std::nullopt;
    }
    if (dim != 0 && count > INT64_MAX / elemSize / dim) {
      fail(error, "too many elements");
      return std::nullopt;
    }
    count *= dim;
  }
  DenseTensor tensor;
  tensor.elemType_ = elemType;
  tensor.shape_ = std::move(shape);
  tensor.numElements_ = count;
  tensor.numBytes_ = count * elemSize;
  // aligned_alloc wants a multiple of the alignment; one block even when empty.
  uint64_t rounded = (static_cast<uint64_t>(tensor.numBytes_) + kAlignment) / kAlignment * kAlignment;
  void *block = rounded <= SIZE_MAX ? std::aligned_alloc(kAlignment, rounded) : nullptr;
  if (!block) {
    fail(error, "out of memory for " + std::to_string(tensor.numBytes_) + " bytes");
    return std::nullopt;
  }
  std::memset(block, 0, rounded);
  tensor.data_.reset(block);
  return tensor;
}

std::optional<DenseTensor> DenseTensor::copyOf(const omc_tensor &view, std::string *error) {
  if (view.rank < 0 || view.rank > OMC_MAX_RANK) {
    fail(error, "rank " + std::to_string(view.rank) + " is out of range");
    return std::nullopt;
  }
  std::optional<DenseTensor> tensor =
      create(view.elem_type, std::vector<int64_t>(view.shape, view.shape + view.rank), error);
  if (!tensor)
    return std::nullopt;
  if (tensor->numElements_ > 0 && !view.data) {
    fail(error, "data is NULL");
    return std::nullopt;
  }
  copyToContiguous(view, elemTypeSize(view.elem_type), tensor->data());
  return tensor;
}

std::optional<omc_tensor> DenseTensor::view() const {
  if (shape_.size() > OMC_MAX_RANK)
    return std::nullopt;
  omc_tensor t;
  std::memset(&t, 0, sizeof t);
  t.data = data_.get();
  t.elem_type = elemType_;
  t.rank = static_cast<int32_t>(shape_.size());
  for (int32_t d = 0; d < t.rank; ++d)
    t.shape[d] = shape_[d];
  setContiguousStrides(t);
  return t;
}

} // namespace omc
