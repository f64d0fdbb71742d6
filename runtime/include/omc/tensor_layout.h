// Sizes and layouts of omc_tensor views: element counts with overflow checks,
// row-major strides, and copying a strided view into a contiguous buffer. The
// runtime uses them to hand compiled code the dense buffers it assumes; tools use
// them to turn outputs into files.
#ifndef OMC_TENSOR_LAYOUT_H
#define OMC_TENSOR_LAYOUT_H

#include <cstdint>
#include <optional>

#include "omc/model_abi.h"

namespace omc {

// The number of elements, or nullopt if the rank is out of range, a dim is
// negative, or the byte size (with elemSize bytes per element) overflows int64.
std::optional<int64_t> numElements(const omc_tensor &tensor, int64_t elemSize);

// Row-major strides (in elements) for tensor.shape.
void setContiguousStrides(omc_tensor &tensor);

// Whether the strides are the row-major ones. Dims of size 1 may have any stride,
// and a tensor with no elements is contiguous.
bool isContiguous(const omc_tensor &tensor);

// Whether the view's shape is valid and the byte offsets of all its elements fit in
// int64 (strides come from callers: a view that reaches further addresses no memory).
bool spanFits(const omc_tensor &tensor, int64_t elemSize);

// The lowest and one-past-highest byte addresses the view touches (both equal to
// data when it has no elements); for aliasing checks. Expects a valid shape.
void byteSpan(const omc_tensor &tensor, int64_t elemSize, const char **begin,
              const char **end);

// Copies the elements of a valid strided view, in row-major order, to `dst`
// (which holds numElements * elemSize bytes).
void copyToContiguous(const omc_tensor &src, int64_t elemSize, void *dst);

} // namespace omc

#endif // OMC_TENSOR_LAYOUT_H
