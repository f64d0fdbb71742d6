// The strict JSON parser: what it accepts, and that malformed or hostile text is
// an error with an offset, never a crash.
#include "omc/json.h"

#include <gtest/gtest.h>

#include <string>

namespace omc::json {
namespace {

Value parseOk(const std::string &text) {
  std::string error;
  std::optional<Value> value = parse(text, &error);
  EXPECT_TRUE(value) << text << ": " << error;
  return value ? *value : Value::makeNull();
}

std::string parseError(const std::string &text) {
  std::string error;
  std::optional<Value> value = parse(text, &error);
  EXPECT_FALSE(value) << "accepted: " << text;
  EXPECT_FALSE(error.empty()) << text;
  return error;
}

TEST(Json, Scalars) {
  EXPECT_TRUE(parseOk("null").isNull());
  EXPECT_TRUE(parseOk("true").boolean());
  EXPECT_FALSE(parseOk(" false ").boolean());
  EXPECT_EQ(parseOk("-17").integer(), -17);
  EXPECT_EQ(parseOk("0").integer(), 0);
  EXPECT_DOUBLE_EQ(parseOk("2.5e3").number(), 2500);
  EXPECT_FALSE(parseOk("2.0").integer()); // written as a fraction: not an integer
  EXPECT_EQ(parseOk("9223372036854775807").integer(), INT64_MAX);
  EXPECT_FALSE(parseOk("9223372036854775808").integer()); // does not fit
  EXPECT_EQ(parseOk("\"a\\\"b\\\\c\\/\\n\\t\"").string(), "a\"b\\c/\n\t");
}

TEST(Json, UnicodeEscapes) {
  EXPECT_EQ(parseOk("\"\\u0041\\u00e9\"").string(), "A\xc3\xa9");
  EXPECT_EQ(parseOk("\"\\ud83d\\ude00\"").string(), "\xf0\x9f\x98\x80"); // surrogate pair
  EXPECT_EQ(parseOk("\"\xc3\xa9\"").string(), "\xc3\xa9");                // raw UTF-8
}

TEST(Json, ArraysAndObjects) {
  Value v = parseOk(R"( [1, {"a": [], "b": {"c": null}}, "x"] )");
  ASSERT_TRUE(v.isArray());
  ASSERT_EQ(v.array().size(), 3u);
  const Value &object = v.array()[1];
  ASSERT_TRUE(object.isObject());
  ASSERT_NE(object.find("a"), nullptr);
  EXPECT_TRUE(object.find("a")->isArray());
  EXPECT_TRUE(object.find("b")->find("c")->isNull());
  EXPECT_EQ(object.find("missing"), nullptr);
  EXPECT_EQ(object.object()[0].first, "a"); // order kept
}

TEST(Json, RejectsMalformed) {
  for (const char *text :
       {"", "   ", "[", "]", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}",
        "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[+1]", "NaN", "[Infinity]", "tru", "nul",
        "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800\\u0041\"", "\"a\nb\"", "\"\xff\"", "\"\xc3\"", "\"\xc0\x80\"",
        "\"\xed\xa0\x80\"", "[1] [2]", "[1] x", "{\"a\":1,\"a\":2}", "// c\n[]", "[1e999]",
        "{\"a\"", "{\"a\":", "[\"a\"", "[1,"})
    parseError(text);
}

TEST(Json, ErrorsSayWhere) {
  EXPECT_EQ(parseError("[1,2 3]"), "at offset 5: expected ',' or ']' in an array");
  EXPECT_EQ(parseError("[1,2"), "at offset 4: unexpected end of input in an array");
  EXPECT_EQ(parseError("{\"k\":1,\"k\":2}"), "at offset 7: duplicate key \"k\"");
}

TEST(Json, EmbeddedNulIsNotTheEnd) {
  std::string text("[1]\0[2]", 7);
  parseError(text);
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_NE(parseError(deep).find("nested deeper"), std::string::npos);
  std::string ok = std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']');
  parseOk(ok);
  std::string tooDeep = std::string(kMaxDepth + 1, '[') + std::string(kMaxDepth + 1, ']');
  parseError(tooDeep);
}

TEST(Json, NullErrorPointerIsAllowed) { EXPECT_FALSE(parse("[", nullptr)); }

} // namespace
} // namespace omc::json
