// The checks that stand between callers and compiled code, one message each.
#include "omc/input_check.h"

#include <gtest/gtest.h>

#include <vector>

#include "omc/runtime.h"

namespace omc {
namespace {

const Signature kSignature = {
    {"x", OMC_FLOAT, {-1, 4}},
    {"B", OMC_INT64, {3}},
};

omc_tensor tensor(void *data, int32_t elemType, std::vector<int64_t> shape) {
  omc_tensor t;
  EXPECT_EQ(omc_tensor_init(&t, data, elemType, static_cast<int32_t>(shape.size()),
                            shape.data()),
            OMC_OK);
  return t;
}

class InputCheck : public ::testing::Test {
protected:
  float x[20] = {};
  int64_t b[3] = {};
};

TEST_F(InputCheck, Accepts) {
  omc_tensor inputs[] = {tensor(x, OMC_FLOAT, {5, 4}), tensor(b, OMC_INT64, {3})};
  EXPECT_EQ(checkInputs(kSignature, inputs, 2), std::nullopt);
  inputs[0] = tensor(x, OMC_FLOAT, {0, 4}); // dynamic dims accept 0
  EXPECT_EQ(checkInputs(kSignature, inputs, 2), std::nullopt);
  inputs[0] = tensor(nullptr, OMC_FLOAT, {0, 4}); // no elements: no data needed
  EXPECT_EQ(checkInputs(kSignature, inputs, 2), std::nullopt);
}

TEST_F(InputCheck, Count) {
  omc_tensor inputs[] = {tensor(x, OMC_FLOAT, {5, 4}), tensor(b, OMC_INT64, {3})};
  EXPECT_EQ(checkInputs(kSignature, inputs, 1), "expected 2 inputs, got 1");
  EXPECT_EQ(checkInputs(kSignature, inputs, 3), "expected 2 inputs, got 3");
  EXPECT_EQ(checkInputs(kSignature, inputs, -1), "expected 2 inputs, got -1");
  EXPECT_EQ(checkInputs(kSignature, nullptr, 2), "inputs is NULL");
  EXPECT_EQ(checkInputs({kSignature[0]}, inputs, 0), "expected 1 input, got 0");
  EXPECT_EQ(checkInputs({}, nullptr, 0), std::nullopt);
}

TEST_F(InputCheck, ElementType) {
  omc_tensor inputs[] = {tensor(x, OMC_FLOAT, {5, 4}), tensor(b, OMC_FLOAT, {3})};
  EXPECT_EQ(checkInputs(kSignature, inputs, 2),
            "input 1 ('B'): expected element type int64, got float32");
  inputs[1].elem_type = 1234;
  EXPECT_EQ(checkInputs(kSignature, inputs, 2),
            "input 1 ('B'): expected element type int64, got unknown element type 1234");
}

TEST_F(InputCheck, Rank) {
  omc_tensor t = tensor(x, OMC_FLOAT, {5, 4, 1});
  EXPECT_EQ(checkInput(kSignature[0], 0, t),
            "input 0 ('x'): expected rank 2 (shape [-1,4]), got rank 3");
  t.rank = OMC_MAX_RANK + 1;
  EXPECT_EQ(checkInput(kSignature[0], 0, t), "input 0 ('x'): rank 17 is outside 0..16");
  t.rank = -1;
  EXPECT_EQ(checkInput(kSignature[0], 0, t), "input 0 ('x'): rank -1 is outside 0..16");
}

TEST_F(InputCheck, Dims) {
  EXPECT_EQ(checkInput(kSignature[0], 0, tensor(x, OMC_FLOAT, {4, 5})),
            "input 0 ('x'): dim 1 is 5, expected 4 (shape [-1,4])");
  omc_tensor t = tensor(x, OMC_FLOAT, {5, 4});
  t.shape[0] = -3;
  EXPECT_EQ(checkInput(kSignature[0], 0, t), "input 0 ('x'): dim 0 is -3, a size must be >= 0");
  t.shape[0] = INT64_MAX / 2; // the byte size overflows
  EXPECT_EQ(checkInput(kSignature[0], 0, t), "input 0 ('x'): too many elements");
}

TEST_F(InputCheck, Data) {
  EXPECT_EQ(checkInput(kSignature[0], 0, tensor(nullptr, OMC_FLOAT, {5, 4})),
            "input 0 ('x'): data is NULL");
}

TEST(TensorInit, RejectsBadArguments) {
  omc_tensor t;
  int64_t shape[] = {2, -1};
  EXPECT_EQ(omc_tensor_init(nullptr, nullptr, OMC_FLOAT, 0, nullptr), OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(omc_tensor_init(&t, nullptr, OMC_FLOAT, 2, nullptr), OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(omc_tensor_init(&t, nullptr, OMC_FLOAT, 2, shape), OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(omc_tensor_init(&t, nullptr, OMC_FLOAT, OMC_MAX_RANK + 1, shape),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(omc_tensor_init(&t, nullptr, OMC_FLOAT, 0, nullptr), OMC_OK);
  int64_t good[] = {2, 3, 4};
  ASSERT_EQ(omc_tensor_init(&t, nullptr, OMC_FLOAT, 3, good), OMC_OK);
  EXPECT_EQ(t.strides[0], 12);
  EXPECT_EQ(t.strides[1], 4);
  EXPECT_EQ(t.strides[2], 1);
  EXPECT_EQ(t.allocation, nullptr);
}

} // namespace
} // namespace omc
