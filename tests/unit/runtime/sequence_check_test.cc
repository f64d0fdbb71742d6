// Sequences and optionals at the runtime boundary: their signature entries and the
// input checks that reach into their elements (omc/model_abi.h has the convention).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "omc/input_check.h"
#include "omc/runtime.h"
#include "omc/signature.h"

namespace omc {
namespace {

constexpr char kJson[] =
    R"([{"name":"s","kind":"sequence","element":{"type":"float32","elem_type":1,"shape":[-1,3]}},)"
    R"({"name":"o","kind":"optional","element":{"kind":"sequence","element":)"
    R"({"type":"int64","elem_type":7,"shape":[2]}}}])";

omc_tensor tensor(void *data, int32_t elemType, std::vector<int64_t> shape) {
  omc_tensor t;
  EXPECT_EQ(omc_tensor_init(&t, data, elemType, static_cast<int32_t>(shape.size()),
                            shape.data()),
            OMC_OK);
  return t;
}

// A sequence or optional omc_tensor over `elements`.
omc_tensor nested(int32_t tag, std::vector<omc_tensor> &elements) {
  omc_tensor t = tensor(elements.data(), OMC_FLOAT, {static_cast<int64_t>(elements.size())});
  t.elem_type = tag;
  return t;
}

class SequenceCheck : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    std::optional<Signature> parsed = parseSignature(kJson, &error);
    ASSERT_TRUE(parsed) << error;
    signature = *parsed;
    elements = {tensor(x, OMC_FLOAT, {2, 3}), tensor(x, OMC_FLOAT, {1, 3})};
    inner = {tensor(b, OMC_INT64, {2})};
    innerSequence = {nested(OMC_SEQUENCE, inner)};
  }

  std::vector<omc_tensor> inputs() {
    return {nested(OMC_SEQUENCE, elements), nested(OMC_OPTIONAL, innerSequence)};
  }

  Signature signature;
  float x[6] = {};
  int64_t b[2] = {};
  std::vector<omc_tensor> elements, inner, innerSequence;
};

TEST_F(SequenceCheck, ParsesKindsAndElements) {
  ASSERT_EQ(signature.size(), 2u);
  EXPECT_EQ(signature[0].elemType, OMC_SEQUENCE);
  ASSERT_EQ(signature[0].element.size(), 1u);
  EXPECT_EQ(signature[0].element[0].elemType, OMC_FLOAT);
  EXPECT_EQ(signature[0].element[0].shape, (std::vector<int64_t>{-1, 3}));
  EXPECT_EQ(signature[1].elemType, OMC_OPTIONAL);
  EXPECT_EQ(signature[1].element[0].elemType, OMC_SEQUENCE);
  EXPECT_EQ(signature[1].element[0].element[0].elemType, OMC_INT64);
}

TEST_F(SequenceCheck, RejectsBadSignatures) {
  std::string error;
  EXPECT_FALSE(parseSignature(R"([{"name":"s","kind":"sequence"}])", &error));
  EXPECT_EQ(error, "tensor 0: a sequence needs an \"element\"");
  EXPECT_FALSE(parseSignature(R"([{"name":"s","kind":"map","element":{}}])", &error));
  EXPECT_EQ(error, "tensor 0: unknown \"kind\" 'map'");
  EXPECT_FALSE(parseSignature(
      R"([{"name":"s","kind":"sequence","element":{"kind":"sequence","element":)"
      R"({"elem_type":1,"shape":[]}}}])",
      &error));
  EXPECT_EQ(error, "tensor 0: a sequence must hold tensors");
}

TEST_F(SequenceCheck, Accepts) {
  std::vector<omc_tensor> in = inputs();
  EXPECT_EQ(checkInputs(signature, in.data(), 2), std::nullopt);
  in[1].shape[0] = 0; // an empty optional
  EXPECT_EQ(checkInputs(signature, in.data(), 2), std::nullopt);
  in[0].shape[0] = 0; // an empty sequence
  in[0].data = nullptr;
  EXPECT_EQ(checkInputs(signature, in.data(), 2), std::nullopt);
}

TEST_F(SequenceCheck, NamesTheBadElement) {
  elements[1] = tensor(x, OMC_FLOAT, {1, 4});
  std::vector<omc_tensor> in = inputs();
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 0 ('s'): element 1: dim 1 is 4, expected 3 (shape [-1,3])");
  elements[1] = tensor(b, OMC_INT64, {1, 3});
  in = inputs();
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 0 ('s'): element 1: expected element type float32, got int64");
  inner[0] = tensor(b, OMC_INT64, {3});
  elements[1] = tensor(x, OMC_FLOAT, {1, 3});
  in = inputs();
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 1 ('o'): element 0: element 0: dim 0 is 3, expected 2 (shape [2])");
}

TEST_F(SequenceCheck, RejectsWrongKindsAndCounts) {
  std::vector<omc_tensor> in = inputs();
  in[0] = tensor(x, OMC_FLOAT, {2, 3}); // a tensor where a sequence goes
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 0 ('s'): expected a sequence, got element type float32");
  in = inputs();
  in[1].elem_type = OMC_SEQUENCE;
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 1 ('o'): expected an optional, got a sequence");
  in = inputs();
  in[1].shape[0] = 2;
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 1 ('o'): an optional cannot hold 2 elements (0 or 1)");
  in = inputs();
  in[0].rank = 2;
  EXPECT_EQ(checkInputs(signature, in.data(), 2),
            "input 0 ('s'): a sequence must have rank 1 (its shape is [count]), got rank 2");
  in = inputs();
  in[0].data = nullptr;
  EXPECT_EQ(checkInputs(signature, in.data(), 2), "input 0 ('s'): data is NULL");
}

} // namespace
} // namespace omc
