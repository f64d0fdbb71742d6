#include "omc/tensor_layout.h"

#include <cstring>

namespace omc {

std::optional<int64_t> numElements(const omc_tensor &tensor, int64_t elemSize) {
  if (tensor.rank < 0 || tensor.rank > OMC_MAX_RANK || elemSize <= 0)
    return std::nullopt;
  int64_t count = 1;
  bool empty = false;
  for (int32_t d = 0; d < tensor.rank; ++d) {
    int64_t dim = tensor.shape[d];
    if (dim < 0)
      return std::nullopt;
    if (dim == 0)
      empty = true;
    else if (!empty && count > INT64_MAX / elemSize / dim)
      return std::nullopt; // the byte size would not fit
    else if (!empty)
      count *= dim;
  }
  return empty ? 0 : count;
}

void setContiguousStrides(omc_tensor &tensor) {
  int64_t stride = 1;
  for (int32_t d = tensor.rank - 1; d >= 0; --d) {
    tensor.strides[d] = stride;
    // Only a view with no elements can overflow here (a 0 dim beside huge ones), and
    // its strides address nothing: keep the last stride that fits.
    if (__builtin_mul_overflow(stride, tensor.shape[d] > 0 ? tensor.shape[d] : 1, &stride))
      stride = tensor.strides[d];
  }
}

bool isContiguous(const omc_tensor &tensor) {
  for (int32_t d = 0; d < tensor.rank; ++d)
    if (tensor.shape[d] == 0)
      return true;
  int64_t expected = 1;
  for (int32_t d = tensor.rank - 1; d >= 0; --d) {
    if (tensor.shape[d] != 1 && tensor.strides[d] != expected)
      return false;
    expected *= tensor.shape[d];
  }
  return true;
}

// The element offsets of the lowest and highest elements of a view with elements,
// or false when they (or their byte offsets) do not fit in int64.
static bool elementReach(const omc_tensor &tensor, int64_t elemSize, int64_t *low,
                         int64_t *high) {
  *low = *high = 0;
  for (int32_t d = 0; d < tensor.rank; ++d) {
    int64_t reach;
    if (__builtin_mul_overflow(tensor.strides[d], tensor.shape[d] - 1, &reach) ||
        __builtin_add_overflow(reach < 0 ? *low : *high, reach, reach < 0 ? low : high))
      return false;
  }
  int64_t bytes;
  return *high < INT64_MAX && !__builtin_mul_overflow(*low, elemSize, &bytes) &&
         !__builtin_mul_overflow(*high + 1, elemSize, &bytes);
}

bool spanFits(const omc_tensor &tensor, int64_t elemSize) {
  std::optional<int64_t> count = numElements(tensor, elemSize);
  if (!count)
    return false;
  int64_t low, high;
  return *count == 0 || elementReach(tensor, elemSize, &low, &high);
}

void byteSpan(const omc_tensor &tensor, int64_t elemSize, const char **begin,
              const char **end) {
  const char *data = static_cast<const char *>(tensor.data);
  int64_t low = 0, high = 0; // element offsets of the extreme elements
  for (int32_t d = 0; d < tensor.rank; ++d)
    if (tensor.shape[d] == 0) {
      *begin = *end = data;
      return;
    }
  if (!elementReach(tensor, elemSize, &low, &high)) {
    *begin = *end = data; // not a view of memory (spanFits rejects it)
    return;
  }
  // Integer arithmetic: the ends need not lie in one object the compiler knows of.
  uintptr_t base = reinterpret_cast<uintptr_t>(data);
  *begin = reinterpret_cast<const char *>(base + static_cast<uintptr_t>(low * elemSize));
  *end = reinterpret_cast<const char *>(base + static_cast<uintptr_t>((high + 1) * elemSize));
}

void copyToContiguous(const omc_tensor &src, int64_t elemSize, void *dst) {
  std::optional<int64_t> count = numElements(src, elemSize);
  if (!count || *count == 0)
    return;
  const char *base = static_cast<const char *>(src.data);
  char *out = static_cast<char *>(dst);
  if (isContiguous(src)) {
    std::memcpy(out, base, *count * elemSize);
    return;
  }
  // An odometer over the indices; `offset` follows it in elements.
  int64_t index[OMC_MAX_RANK] = {0};
  int64_t offset = 0;
  // Offsets stay within the view's reach (spanFits), so none of this overflows.
  for (int64_t i = 0; i < *count; ++i) {
    std::memcpy(out + i * elemSize, base + offset * elemSize, elemSize);
    for (int32_t d = src.rank - 1; d >= 0; --d) {
      if (++index[d] < src.shape[d]) {
        offset += src.strides[d];
        break;
      }
      offset -= src.strides[d] * (src.shape[d] - 1);
      index[d] = 0;
    }
  }
}

} // namespace omc
