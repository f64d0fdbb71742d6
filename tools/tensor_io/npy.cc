// The .npy header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// parsed here with a small strict reader of exactly that subset of Python.
#include "tools/tensor_io/npy.h"

#include <cstring>

#include "omc/elem_type.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tensor_io assumes a little-endian host");

namespace omc {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct Header {
  std::string descr;
  std::optional<bool> fortranOrder;
  std::optional<std::vector<int64_t>> shape;
};

class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text_(text) {}

  // Fills `header`; false with a message in error() on anything unexpected.
  bool parse(Header &header) {
    skipSpace();
    if (!expect('{'))
      return false;
    bool seenDescr = false;
    while (true) {
      skipSpace();
      if (peek() == '}')
        break;
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (!expect(':'))
        return false;
      skipSpace();
      if (key == "descr") {
        if (seenDescr)
          return fail("duplicate key 'descr'");
        seenDescr = true;
        if (peek() == '[')
          return fail("structured dtypes are not supported");
        if (!parseString(header.descr))
          return false;
      } else if (key == "fortran_order") {
        if (header.fortranOrder)
          return fail("duplicate key 'fortran_order'");
        bool value;
        if (!parseBool(value))
          return false;
        header.fortranOrder = value;
      } else if (key == "shape") {
        if (header.shape)
          return fail("duplicate key 'shape'");
        std::vector<int64_t> shape;
        if (!parseShape(shape))
          return false;
        header.shape = std::move(shape);
      } else {
        return fail("unexpected key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}')
        return fail("expected ',' or '}'");
    }
    ++pos_; // '}'
    skipSpace();
    if (pos_ != text_.size())
      return fail("unexpected text after the header dict");
    if (!seenDescr || !header.fortranOrder || !header.shape)
      return fail("the header needs 'descr', 'fortran_order' and 'shape'");
    return true;
  }

  const std::string &error() const { return error_; }

private:
  bool fail(std::string message) {
    error_ = "malformed header: " + message;
    return false;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skipSpace() {
    while (pos_ < text_.size() && (peek() == ' ' || peek() == '\n' || peek() == '\t'))
      ++pos_;
  }
  bool expect(char c) {
    if (peek() != c)
      return fail(std::string("expected '") + c + "'");
    ++pos_;
    return true;
  }

  // 'text' or "text", without escapes (dtype strings and keys need none).
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return fail("expected a quoted string");
    size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos)
      return fail("unterminated string");
    out = std::string(text_.substr(pos_ + 1, end - pos_ - 1));
    if (out.find('\\') != std::string::npos)
      return fail("escapes in strings are not supported");
    pos_ = end + 1;
    return true;
  }

  bool parseBool(bool &out) {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      out = true;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      out = false;
      return true;
    }
    return fail("expected True or False");
  }

  // (), (3,), (2, 3) -- Python 2's numpy wrote longs, (2L, 3L).
  bool parseShape(std::vector<int64_t> &shape) {
    if (!expect('('))
      return false;
    while (true) {
      skipSpace();
      if (peek() == ')')
        break;
      if (!(peek() >= '0' && peek() <= '9'))
        return fail("expected a non-negative integer in the shape");
      int64_t dim = 0;
      while (peek() >= '0' && peek() <= '9') {
        int digit = peek() - '0';
        if (dim > (INT64_MAX - digit) / 10)
          return fail("dim too large in the shape");
        dim = dim * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L')
        ++pos_;
      shape.push_back(dim);
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')')
        return fail("expected ',' or ')' in the shape");
    }
    ++pos_; // ')'
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

// The element type of a dtype string such as '<f4' or '|b1'.
std::optional<int32_t> elemTypeOfDescr(const std::string &descr, std::string *error) {
  auto fail = [&](const std::string &why) -> std::optional<int32_t> {
    if (error)
      *error = "dtype '" + descr + "' " + why;
    return std::nullopt;
  };
  if (descr.size() < 2)
    return fail("is not supported");
  char order = descr[0];
  std::string code = descr.substr(1);
  if (order != '<' && order != '>' && order != '|' && order != '=')
    return fail("is not supported");
  static const struct {
    const char *code;
    int32_t type;
  } kCodes[] = {
      {"f2", OMC_FLOAT16}, {"f4", OMC_FLOAT},  {"f8", OMC_DOUBLE},     {"i1", OMC_INT8},
      {"i2", OMC_INT16},   {"i4", OMC_INT32},  {"i8", OMC_INT64},      {"u1", OMC_UINT8},
      {"u2", OMC_UINT16},  {"u4", OMC_UINT32}, {"u8", OMC_UINT64},     {"b1", OMC_BOOL},
      {"?", OMC_BOOL},     {"c8", OMC_COMPLEX64}, {"c16", OMC_COMPLEX128},
  };
  for (const auto &entry : kCodes) {
    if (code != entry.code)
      continue;
    // '=' is native order, little-endian on every host omc supports.
    if (order == '>' && elemTypeSize(entry.type) > 1)
      return fail("is big-endian; only little-endian data is supported");
    return entry.type;
  }
  return fail("is not supported (it is no ONNX element type)");
}

uint32_t readLittleEndian(const unsigned char *p, int bytes) {
  uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i)
    value = value << 8 | p[i];
  return value;
}

} // namespace

std::optional<DenseTensor> parseNpy(std::string_view bytes, std::string *error) {
  auto fail = [&](const std::string &message) -> std::optional<DenseTensor> {
    if (error)
      *error = message;
    return std::nullopt;
  };
  if (bytes.size() < kMagicSize + 2 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    return fail("not a .npy file (no \\x93NUMPY magic)");
  auto *u = reinterpret_cast<const unsigned char *>(bytes.data());
  int major = u[6];
  if (major < 1 || major > 3)
    return fail(".npy format version " + std::to_string(major) + "." + std::to_string(u[7]) +
                " is not supported");
  // Version 1 has a 2-byte header length, versions 2 and 3 a 4-byte one.
  size_t lengthBytes = major == 1 ? 2 : 4;
  size_t headerStart = kMagicSize + 2 + lengthBytes;
  if (bytes.size() < headerStart)
    return fail("truncated .npy header");
  size_t headerLength = readLittleEndian(u + kMagicSize + 2, static_cast<int>(lengthBytes));
  if (bytes.size() - headerStart < headerLength)
    return fail("truncated .npy header");
  std::string_view headerText = bytes.substr(headerStart, headerLength);

  Header header;
  HeaderParser parser(headerText);
  if (!parser.parse(header))
    return fail(parser.error());
  if (*header.fortranOrder)
    return fail("fortran_order arrays are not supported (save a C-order array, "
                "e.g. numpy.ascontiguousarray)");
  std::string dtypeError;
  std::optional<int32_t> elemType = elemTypeOfDescr(header.descr, &dtypeError);
  if (!elemType)
    return fail(dtypeError);

  std::string shapeError;
  std::optional<DenseTensor> tensor = DenseTensor::create(*elemType, *header.shape, &shapeError);
  if (!tensor)
    return fail("bad shape: " + shapeError);
  std::string_view data = bytes.substr(headerStart + headerLength);
  if (static_cast<int64_t>(data.size()) < tensor->numBytes())
    return fail("truncated: the shape needs " + std::to_string(tensor->numBytes()) +
                " bytes of data, the file has " + std::to_string(data.size()));
  if (static_cast<int64_t>(data.size()) > tensor->numBytes())
    return fail(std::to_string(data.size() - tensor->numBytes()) +
                " unexpected bytes after the data");
  std::memcpy(tensor->data(), data.data(), data.size());
  return tensor;
}

} // namespace omc
