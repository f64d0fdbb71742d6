// The protobuf wire format, as much of it as a TensorProto needs: varints, fixed
// 32/64-bit values and length-delimited fields, read with bounds checks and
// written. Hand-written so that tools/run (built for x86 or AArch64) needs no
// libprotobuf: the runner then depends on libc alone.
#ifndef OMC_TOOLS_TENSOR_IO_PROTOBUF_WIRE_H
#define OMC_TOOLS_TENSOR_IO_PROTOBUF_WIRE_H

#include <cstdint>
#include <string>
#include <string_view>

namespace omc::wire {

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// One field of a message: its number, wire type and value (`number` for varints
// and fixed values, `bytes` for length-delimited ones).
struct Field {
  uint32_t fieldNumber = 0;
  uint32_t wireType = 0;
  uint64_t number = 0;
  std::string_view bytes;
};

// Reads the fields of a serialized message in order. Groups (wire types 3 and 4,
// deprecated) are skipped as protobuf does; anything malformed or truncated
// stops the reader with ok() false.
class Reader {
public:
  explicit Reader(std::string_view data) : data_(data) {}

  // The next field, or false at the end or on malformed input (see ok()).
  bool next(Field &field);
  bool ok() const { return ok_; }

  // Reads a varint / little-endian fixed value from the front of `data`,
  // advancing it; false when truncated or over-long.
  static bool readVarint(std::string_view &data, uint64_t &value);
  static bool readFixed(std::string_view &data, unsigned bytes, uint64_t &value);

private:
  bool skipGroup(uint32_t fieldNumber, int depth);

  std::string_view data_;
  bool ok_ = true;
};

// Appends a field's tag and value to `out`.
void writeVarintField(std::string &out, uint32_t fieldNumber, uint64_t value);
void writeBytesField(std::string &out, uint32_t fieldNumber, std::string_view bytes);

} // namespace omc::wire

#endif // OMC_TOOLS_TENSOR_IO_PROTOBUF_WIRE_H
