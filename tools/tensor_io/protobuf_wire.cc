#include "tools/tensor_io/protobuf_wire.h"

namespace omc::wire {
namespace {

constexpr uint32_t kStartGroup = 3, kEndGroup = 4;
// protobuf's own limit on nested groups and messages.
constexpr int kMaxDepth = 100;

void writeVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

} // namespace

bool Reader::readVarint(std::string_view &data, uint64_t &value) {
  value = 0;
  for (unsigned i = 0; i < 10 && i < data.size(); ++i) {
    uint8_t byte = static_cast<uint8_t>(data[i]);
    // The tenth byte may only hold the 64th bit.
    if (i == 9 && byte > 1)
      return false;
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      data.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

bool Reader::readFixed(std::string_view &data, unsigned bytes, uint64_t &value) {
  if (data.size() < bytes)
    return false;
  value = 0;
  for (unsigned i = 0; i < bytes; ++i)
    value |= static_cast<uint64_t>(static_cast<uint8_t>(data[i])) << (8 * i);
  data.remove_prefix(bytes);
  return true;
}

bool Reader::skipGroup(uint32_t fieldNumber, int depth) {
  if (depth > kMaxDepth)
    return false;
  for (;;) {
    uint64_t tag;
    if (!readVarint(data_, tag) || tag >> 32 || (tag >> 3) == 0)
      return false;
    uint32_t number = static_cast<uint32_t>(tag >> 3), type = tag & 7;
    uint64_t ignored;
    switch (type) {
    case kVarint:
      if (!readVarint(data_, ignored))
        return false;
      break;
    case kFixed64:
    case kFixed32:
      if (!readFixed(data_, type == kFixed64 ? 8 : 4, ignored))
        return false;
      break;
    case kLengthDelimited:
      if (!readVarint(data_, ignored) || ignored > data_.size())
        return false;
      data_.remove_prefix(ignored);
      break;
    case kStartGroup:
      if (!skipGroup(number, depth + 1))
        return false;
      break;
    case kEndGroup:
      return number == fieldNumber;
    default:
      return false;
    }
  }
}

bool Reader::next(Field &field) {
  while (ok_ && !data_.empty()) {
    uint64_t tag;
    if (!readVarint(data_, tag) || tag >> 32 || (tag >> 3) == 0)
      return ok_ = false;
    field = Field();
    field.fieldNumber = static_cast<uint32_t>(tag >> 3);
    field.wireType = tag & 7;
    switch (field.wireType) {
    case kVarint:
      ok_ = readVarint(data_, field.number);
      break;
    case kFixed64:
    case kFixed32:
      ok_ = readFixed(data_, field.wireType == kFixed64 ? 8 : 4, field.number);
      break;
    case kLengthDelimited: {
      uint64_t length;
      ok_ = readVarint(data_, length) && length <= data_.size();
      if (ok_) {
        field.bytes = data_.substr(0, length);
        data_.remove_prefix(length);
      }
      break;
    }
    case kStartGroup:
      ok_ = skipGroup(field.fieldNumber, 1);
      continue; // not a field the caller can use
    default: // an end group without a start, or wire types 6 and 7
      ok_ = false;
    }
    return ok_;
  }
  return false;
}

void writeVarintField(std::string &out, uint32_t fieldNumber, uint64_t value) {
  writeVarint(out, static_cast<uint64_t>(fieldNumber) << 3 | kVarint);
  writeVarint(out, value);
}

void writeBytesField(std::string &out, uint32_t fieldNumber, std::string_view bytes) {
  writeVarint(out, static_cast<uint64_t>(fieldNumber) << 3 | kLengthDelimited);
  writeVarint(out, bytes.size());
  out.append(bytes);
}

} // namespace omc::wire
