// A recursive-descent JSON parser that accepts exactly RFC 8259: no comments,
// trailing commas, single quotes, leading zeros, NaN, control characters in
// strings, lone surrogates or invalid UTF-8.
#include "omc/json.h"

#include <charconv>
#include <cstdio>

namespace omc {
namespace json {

const Value *Value::find(std::string_view key) const {
  for (const Member &member : object_)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

Value Value::makeBool(bool b) {
  Value v(Kind::Bool);
  v.boolean_ = b;
  return v;
}

Value Value::makeNumber(double number, std::optional<int64_t> integer) {
  Value v(Kind::Number);
  v.number_ = number;
  v.integer_ = integer;
  return v;
}

Value Value::makeString(std::string text) {
  Value v(Kind::String);
  v.string_ = std::move(text);
  return v;
}

Value Value::makeArray(std::vector<Value> items) {
  Value v(Kind::Array);
  v.array_ = std::move(items);
  return v;
}

Value Value::makeObject(std::vector<Member> members) {
  Value v(Kind::Object);
  v.object_ = std::move(members);
  return v;
}

namespace {

class Parser {
public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<Value> parseDocument() {
    skipSpace();
    std::optional<Value> value = parseValue(0);
    if (!value)
      return std::nullopt;
    skipSpace();
    if (pos_ != text_.size())
      return fail("unexpected text after the JSON value");
    return value;
  }

  const std::string &error() const { return error_; }

private:
  std::nullopt_t fail(const std::string &message) {
    if (error_.empty()) // keep the first, innermost message
      error_ = "at offset " + std::to_string(pos_) + ": " + message;
    return std::nullopt;
  }

  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return atEnd() ? '\0' : text_[pos_]; }

  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }

  bool consumeWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return false;
    pos_ += word.size();
    return true;
  }

  std::optional<Value> parseValue(int depth) {
    if (atEnd())
      return fail("unexpected end of input, expected a value");
    char c = peek();
    if (c == '{' || c == '[') {
      if (depth >= kMaxDepth)
        return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return c == '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c == '"') {
      std::optional<std::string> text = parseString();
      if (!text)
        return std::nullopt;
      return Value::makeString(std::move(*text));
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber();
    if (consumeWord("true"))
      return Value::makeBool(true);
    if (consumeWord("false"))
      return Value::makeBool(false);
    if (consumeWord("null"))
      return Value::makeNull();
    return fail(std::string("unexpected character '") + describe(c) + "'");
  }

  static std::string describe(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buffer[8];
      snprintf(buffer, sizeof buffer, "\\x%02x", u);
      return buffer;
    }
    return std::string(1, c);
  }

  std::optional<Value> parseArray(int depth) {
    ++pos_; // '['
    std::vector<Value> items;
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return Value::makeArray(std::move(items));
    }
    while (true) {
      skipSpace();
      std::optional<Value> item = parseValue(depth);
      if (!item)
        return std::nullopt;
      items.push_back(std::move(*item));
      skipSpace();
      if (atEnd())
        return fail("unexpected end of input in an array");
      if (peek() == ']') {
        ++pos_;
        return Value::makeArray(std::move(items));
      }
      if (peek() != ',')
        return fail("expected ',' or ']' in an array");
      ++pos_;
    }
  }

  std::optional<Value> parseObject(int depth) {
    ++pos_; // '{'
    std::vector<Value::Member> members;
    skipSpace();
    if (peek() == '}') {
      ++pos_;
      return Value::makeObject(std::move(members));
    }
    while (true) {
      skipSpace();
      if (peek() != '"')
        return atEnd() ? fail("unexpected end of input in an object")
                       : fail("expected a string key in an object");
      size_t keyStart = pos_;
      std::optional<std::string> key = parseString();
      if (!key)
        return std::nullopt;
      for (const Value::Member &member : members)
        if (member.first == *key) {
          pos_ = keyStart;
          return fail("duplicate key \"" + *key + "\"");
        }
      skipSpace();
      if (peek() != ':')
        return atEnd() ? fail("unexpected end of input in an object")
                       : fail("expected ':' after an object key");
      ++pos_;
      skipSpace();
      std::optional<Value> value = parseValue(depth);
      if (!value)
        return std::nullopt;
      members.emplace_back(std::move(*key), std::move(*value));
      skipSpace();
      if (atEnd())
        return fail("unexpected end of input in an object");
      if (peek() == '}') {
        ++pos_;
        return Value::makeObject(std::move(members));
      }
      if (peek() != ',')
        return fail("expected ',' or '}' in an object");
      ++pos_;
    }
  }

  // Digits [0-9]+; false (nothing consumed) when there is none.
  bool digits() {
    size_t start = pos_;
    while (!atEnd() && peek() >= '0' && peek() <= '9')
      ++pos_;
    return pos_ > start;
  }

  std::optional<Value> parseNumber() {
    size_t start = pos_;
    bool integral = true;
    if (peek() == '-')
      ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (peek() >= '0' && peek() <= '9')
        return fail("leading zero in a number");
    } else if (!digits()) {
      return fail("expected a digit");
    }
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!digits())
        return fail("expected a digit after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-')
        ++pos_;
      if (!digits())
        return fail("expected a digit in the exponent");
    }
    const char *first = text_.data() + start;
    const char *last = text_.data() + pos_;
    double number = 0;
    // from_chars, unlike strtod, ignores the locale. Out-of-range doubles are
    // rejected rather than turned into infinities.
    auto [end, ec] = std::from_chars(first, last, number);
    if (ec != std::errc() || end != last) {
      pos_ = start;
      return fail("number out of range");
    }
    std::optional<int64_t> integer;
    if (integral) {
      int64_t value = 0;
      auto [iend, iec] = std::from_chars(first, last, value);
      if (iec == std::errc() && iend == last)
        integer = value;
    }
    return Value::makeNumber(number, integer);
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::optional<uint32_t> hex4() {
    if (text_.size() - pos_ < 4) {
      pos_ = text_.size();
      fail("unexpected end of input in a \\u escape");
      return std::nullopt;
    }
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) {
        fail("expected a hex digit in a \\u escape");
        return std::nullopt;
      }
      value = value * 16 + digit;
      ++pos_;
    }
    return value;
  }

  // One UTF-8 sequence starting at pos_ (a byte >= 0x80): copied if well formed.
  bool copyUtf8(std::string &out) {
    unsigned char lead = static_cast<unsigned char>(text_[pos_]);
    int length;
    uint32_t cp, min;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07, min = 0x10000;
    } else {
      fail("invalid UTF-8 in a string");
      return false;
    }
    if (text_.size() - pos_ < static_cast<size_t>(length)) {
      fail("invalid UTF-8 in a string");
      return false;
    }
    for (int i = 1; i < length; ++i) {
      unsigned char c = static_cast<unsigned char>(text_[pos_ + i]);
      if ((c & 0xC0) != 0x80) {
        fail("invalid UTF-8 in a string");
        return false;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      fail("invalid UTF-8 in a string");
      return false;
    }
    out.append(text_.substr(pos_, length));
    pos_ += length;
    return true;
  }

  std::optional<std::string> parseString() {
    ++pos_; // '"'
    std::string out;
    while (true) {
      if (atEnd()) {
        fail("unexpected end of input in a string");
        return std::nullopt;
      }
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) {
        fail("control character in a string");
        return std::nullopt;
      }
      if (c >= 0x80) {
        if (!copyUtf8(out))
          return std::nullopt;
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (atEnd()) {
        fail("unexpected end of input in a string");
        return std::nullopt;
      }
      char e = text_[pos_++];
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        std::optional<uint32_t> cp = hex4();
        if (!cp)
          return std::nullopt;
        if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
          fail("lone low surrogate in a \\u escape");
          return std::nullopt;
        }
        if (*cp >= 0xD800 && *cp <= 0xDBFF) { // needs a following low surrogate
          if (!consumeWord("\\u")) {
            fail("high surrogate without a low surrogate");
            return std::nullopt;
          }
          std::optional<uint32_t> low = hex4();
          if (!low)
            return std::nullopt;
          if (*low < 0xDC00 || *low > 0xDFFF) {
            fail("high surrogate without a low surrogate");
            return std::nullopt;
          }
          *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
        }
        appendUtf8(out, *cp);
        break;
      }
      default:
        --pos_;
        fail(std::string("invalid escape '\\") + describe(e) + "'");
        return std::nullopt;
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

} // namespace

std::optional<Value> parse(std::string_view text, std::string *error) {
  Parser parser(text);
  std::optional<Value> value = parser.parseDocument();
  if (!value && error)
    *error = parser.error();
  return value;
}

} // namespace json
} // namespace omc
