// Signature JSON -> TensorSignature: the schema checks on top of the JSON syntax.
#include "omc/signature.h"

#include <gtest/gtest.h>

#include "omc/model_abi.h"

namespace omc {
namespace {

std::string signatureError(const std::string &json) {
  std::string error;
  EXPECT_FALSE(parseSignature(json, &error)) << "accepted: " << json;
  return error;
}

TEST(Signature, ParsesWhatTheCompilerWrites) {
  std::string error;
  std::optional<Signature> s = parseSignature(
      R"([{"name":"x","type":"float32","elem_type":1,"shape":[-1,3,224,224]},)"
      R"({"name":"n\u00e9","type":"int64","elem_type":7,"shape":[]}])",
      &error);
  ASSERT_TRUE(s) << error;
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].name, "x");
  EXPECT_EQ((*s)[0].elemType, OMC_FLOAT);
  EXPECT_EQ((*s)[0].shape, (std::vector<int64_t>{-1, 3, 224, 224}));
  EXPECT_EQ((*s)[1].name, "n\xc3\xa9");
  EXPECT_EQ((*s)[1].elemType, OMC_INT64);
  EXPECT_TRUE((*s)[1].shape.empty());
}

TEST(Signature, EmptyAndOptionalFields) {
  std::optional<Signature> empty = parseSignature("[]", nullptr);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  // "type" may be left out; unknown keys are ignored.
  std::optional<Signature> s =
      parseSignature(R"([{"name":"b","elem_type":9,"shape":[2],"layout":"nchw"}])", nullptr);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)[0].elemType, OMC_BOOL);
}

TEST(Signature, RejectsSyntaxErrors) {
  EXPECT_EQ(signatureError(R"([{"name":"x")").rfind("malformed JSON at offset", 0), 0u);
  signatureError("");
  signatureError(R"([{"name":"x","elem_type":1,"shape":[1,]}])");
  // Every prefix of a valid signature is malformed: truncation never crashes.
  std::string good = R"([{"name":"x","type":"float32","elem_type":1,"shape":[-1,4]}])";
  for (size_t n = 0; n < good.size(); ++n)
    signatureError(good.substr(0, n));
}

TEST(Signature, RejectsSchemaErrors) {
  EXPECT_EQ(signatureError("{}"), "expected a JSON array of tensors");
  EXPECT_EQ(signatureError("[1]"), "tensor 0: expected an object");
  EXPECT_EQ(signatureError(R"([{"elem_type":1,"shape":[]}])"),
            "tensor 0: \"name\" must be a string");
  EXPECT_EQ(signatureError(R"([{"name":"x","shape":[]}])"),
            "tensor 0: \"elem_type\" must be an integer");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":1.5,"shape":[]}])"),
            "tensor 0: \"elem_type\" must be an integer");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":99,"shape":[]}])"),
            "tensor 0: unsupported unknown element type 99");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":8,"shape":[]}])"),
            "tensor 0: unsupported string");
  EXPECT_EQ(signatureError(R"([{"name":"x","type":"int64","elem_type":1,"shape":[]}])"),
            "tensor 0: \"type\" does not match \"elem_type\" 1 (float32)");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":1}])"),
            "tensor 0: \"shape\" must be an array");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":1,"shape":[-2]}])"),
            "tensor 0: \"shape\" must hold integers >= -1");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":1,"shape":["4"]}])"),
            "tensor 0: \"shape\" must hold integers >= -1");
  EXPECT_EQ(signatureError(R"([{"name":"x","elem_type":1,"shape":[4.0]}])"),
            "tensor 0: \"shape\" must hold integers >= -1");
  std::string deep = R"([{"name":"x","elem_type":1,"shape":[1)";
  for (int i = 0; i < OMC_MAX_RANK; ++i)
    deep += ",1";
  EXPECT_EQ(signatureError(deep + "]}]"), "tensor 0: rank 17 exceeds the maximum 16");
}

TEST(Signature, EntryPoints) {
  std::string error;
  std::optional<std::vector<std::string>> names =
      parseEntryPoints(R"(["main_graph","other"])", &error);
  ASSERT_TRUE(names) << error;
  EXPECT_EQ(*names, (std::vector<std::string>{"main_graph", "other"}));
  EXPECT_FALSE(parseEntryPoints(R"(["a","a"])", &error));
  EXPECT_EQ(error, "entry point 'a' is listed twice");
  EXPECT_FALSE(parseEntryPoints(R"([""])", &error));
  EXPECT_FALSE(parseEntryPoints(R"([1])", &error));
  EXPECT_FALSE(parseEntryPoints(R"("main_graph")", &error));
  EXPECT_FALSE(parseEntryPoints(R"(["a\u0000b"])", &error));
  EXPECT_FALSE(parseEntryPoints(R"(["main_graph")", &error));
}

TEST(Signature, FormatShape) {
  EXPECT_EQ(formatShape({}), "[]");
  EXPECT_EQ(formatShape({-1, 4}), "[-1,4]");
}

} // namespace
} // namespace omc
