// A small, strict JSON parser (RFC 8259) for the signatures and entry point lists
// that model libraries export. Strict because the text comes from a file we did not
// write: anything malformed is an error with an offset, never a crash or a guess.
#ifndef OMC_JSON_H
#define OMC_JSON_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omc {
namespace json {

class Value {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };
  using Member = std::pair<std::string, Value>;

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }

  // Each accessor is valid only for its kind (the others return an empty value).
  bool boolean() const { return boolean_; }
  double number() const { return number_; }
  // The number as an int64 when it is written as an integer (no fraction or
  // exponent) that fits; shapes need exact values, not doubles.
  std::optional<int64_t> integer() const { return integer_; }
  const std::string &string() const { return string_; }
  const std::vector<Value> &array() const { return array_; }
  // Members in the order written; keys are unique (the parser rejects duplicates).
  const std::vector<Member> &object() const { return object_; }
  // The member named `key` of an object, or nullptr.
  const Value *find(std::string_view key) const;

  static Value makeNull() { return Value(Kind::Null); }
  static Value makeBool(bool b);
  static Value makeNumber(double number, std::optional<int64_t> integer);
  static Value makeString(std::string text);
  static Value makeArray(std::vector<Value> items);
  static Value makeObject(std::vector<Member> members);

private:
  explicit Value(Kind kind) : kind_(kind) {}

  Kind kind_;
  bool boolean_ = false;
  double number_ = 0;
  std::optional<int64_t> integer_;
  std::string string_;
  std::vector<Value> array_;
  std::vector<Member> object_;
};

// Parses one JSON value filling all of `text` (surrounding whitespace allowed).
// On malformed input returns nullopt and sets *error (if given) to a message
// such as "at offset 12: expected ',' or ']'". Nesting deeper than kMaxDepth is
// rejected so that hostile input cannot overflow the stack.
constexpr int kMaxDepth = 64;
std::optional<Value> parse(std::string_view text, std::string *error);

} // namespace json
} // namespace omc

#endif // OMC_JSON_H
