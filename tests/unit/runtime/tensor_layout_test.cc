// Strided views: contiguity, spans and copies to dense buffers.
#include "omc/tensor_layout.h"

#include <gtest/gtest.h>

#include <vector>

#include "omc/runtime.h"

namespace omc {
namespace {

omc_tensor view(void *data, std::vector<int64_t> shape, std::vector<int64_t> strides) {
  omc_tensor t = {};
  t.data = data;
  t.elem_type = OMC_INT32;
  t.rank = static_cast<int32_t>(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    t.shape[d] = shape[d];
    t.strides[d] = strides[d];
  }
  return t;
}

TEST(TensorLayout, NumElements) {
  int32_t data[1];
  EXPECT_EQ(numElements(view(data, {}, {}), 4), 1);
  EXPECT_EQ(numElements(view(data, {2, 3}, {3, 1}), 4), 6);
  EXPECT_EQ(numElements(view(data, {0, INT64_MAX}, {1, 1}), 4), 0);
  EXPECT_EQ(numElements(view(data, {INT64_MAX / 4 + 1}, {1}), 4), std::nullopt);
  EXPECT_EQ(numElements(view(data, {-1}, {1}), 4), std::nullopt);
}

TEST(TensorLayout, Contiguity) {
  int32_t data[1];
  EXPECT_TRUE(isContiguous(view(data, {2, 3}, {3, 1})));
  EXPECT_FALSE(isContiguous(view(data, {2, 3}, {1, 2})));
  EXPECT_TRUE(isContiguous(view(data, {1, 3}, {99, 1}))); // size-1 dims: any stride
  EXPECT_TRUE(isContiguous(view(data, {0, 3}, {7, 7})));
}

TEST(TensorLayout, CopiesATransposedView) {
  int32_t data[6] = {0, 1, 2, 3, 4, 5}; // a 2x3 matrix; view it as its 3x2 transpose
  omc_tensor t = view(data, {3, 2}, {1, 3});
  int32_t out[6];
  copyToContiguous(t, 4, out);
  EXPECT_EQ(std::vector<int32_t>(out, out + 6), (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
}

TEST(TensorLayout, CopiesNegativeAndZeroStrides) {
  int32_t data[3] = {10, 20, 30};
  int32_t out[6];
  copyToContiguous(view(data + 2, {3}, {-1}), 4, out);
  EXPECT_EQ(std::vector<int32_t>(out, out + 3), (std::vector<int32_t>{30, 20, 10}));
  copyToContiguous(view(data, {2, 3}, {0, 1}), 4, out); // a broadcast row
  EXPECT_EQ(std::vector<int32_t>(out, out + 6), (std::vector<int32_t>{10, 20, 30, 10, 20, 30}));
}

TEST(TensorLayout, ByteSpan) {
  int32_t data[6];
  const char *begin, *end;
  byteSpan(view(data + 2, {3}, {-1}), 4, &begin, &end);
  EXPECT_EQ(begin, reinterpret_cast<const char *>(data));
  EXPECT_EQ(end, reinterpret_cast<const char *>(data + 3));
  byteSpan(view(data, {3, 2}, {1, 3}), 4, &begin, &end);
  EXPECT_EQ(end, reinterpret_cast<const char *>(data + 6));
}

} // namespace
} // namespace omc
