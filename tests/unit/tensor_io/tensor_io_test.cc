// DenseTensor files: .pb round trips and the typed TensorProto fields, .npy files
// written byte by byte here, and garbage or truncated files of both kinds.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "omc/elem_type.h"
#include "omc/model_abi.h"
#include "onnx/onnx_pb.h"
#include "tools/tensor_io/npy.h"
#include "tools/tensor_io/tensor.h"
#include "tools/tensor_io/tensor_file.h"
#include "tools/tensor_io/tensor_proto.h"

namespace omc {
namespace {

template <typename T>
std::vector<T> values(const DenseTensor &tensor) {
  const T *p = static_cast<const T *>(tensor.data());
  return std::vector<T>(p, p + tensor.numElements());
}

template <typename T>
DenseTensor makeTensor(int32_t elemType, std::vector<int64_t> shape, const std::vector<T> &data) {
  std::string error;
  std::optional<DenseTensor> tensor = DenseTensor::create(elemType, shape, &error);
  EXPECT_TRUE(tensor) << error;
  EXPECT_EQ(tensor->numBytes(), static_cast<int64_t>(data.size() * sizeof(T)));
  if (!data.empty())
    std::memcpy(tensor->data(), data.data(), data.size() * sizeof(T));
  return std::move(*tensor);
}

std::string tempPath(const std::string &name) { return ::testing::TempDir() + name; }

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// ---- TensorProto ----

TEST(TensorProto, RoundTripThroughAFile) {
  DenseTensor tensor = makeTensor<float>(OMC_FLOAT, {2, 3}, {1, 2, 3, 4, 5, 6.5f});
  tensor.setName("logits");
  std::string path = tempPath("round_trip.pb");
  std::string error;
  ASSERT_TRUE(writeTensorProtoFile(tensor, path, &error)) << error;
  std::optional<DenseTensor> back = readTensorFile(path, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->name(), "logits");
  EXPECT_EQ(back->elemType(), OMC_FLOAT);
  EXPECT_EQ(back->shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(*back), (std::vector<float>{1, 2, 3, 4, 5, 6.5f}));

  // What was written is a plain TensorProto with raw_data.
  onnx::TensorProto proto;
  std::optional<std::string> bytes = readWholeFile(path, &error);
  ASSERT_TRUE(bytes && proto.ParseFromString(*bytes));
  EXPECT_EQ(proto.data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(proto.raw_data().size(), 24u);
}

TEST(TensorProto, RoundTripsEveryKind) {
  std::string error;
  auto roundTrip = [&](const DenseTensor &tensor) {
    std::optional<DenseTensor> back = parseTensorProto(serializeTensorProto(tensor), &error);
    EXPECT_TRUE(back) << error;
    EXPECT_EQ(back->elemType(), tensor.elemType());
    EXPECT_EQ(back->shape(), tensor.shape());
    EXPECT_EQ(std::memcmp(back->data(), tensor.data(), tensor.numBytes()), 0);
  };
  roundTrip(makeTensor<int64_t>(OMC_INT64, {}, {-42}));            // rank 0
  roundTrip(makeTensor<uint8_t>(OMC_BOOL, {3}, {1, 0, 1}));
  roundTrip(makeTensor<uint16_t>(OMC_FLOAT16, {2}, {0x3c00, 0xc000}));
  roundTrip(makeTensor<uint16_t>(OMC_BFLOAT16, {1}, {0x3f80}));
  roundTrip(makeTensor<double>(OMC_DOUBLE, {1, 1}, {3.25}));
  roundTrip(makeTensor<int8_t>(OMC_INT8, {2}, {-128, 127}));
  roundTrip(makeTensor<float>(OMC_FLOAT, {0, 5}, {}));              // no elements
}

std::optional<DenseTensor> parseProto(const onnx::TensorProto &proto, std::string *error) {
  return parseTensorProto(proto.SerializeAsString(), error);
}

TEST(TensorProto, TypedFields) {
  std::string error;
  onnx::TensorProto proto;
  proto.add_dims(3);

  proto.set_data_type(onnx::TensorProto::FLOAT);
  for (float v : {1.5f, -2.f, 3.f})
    proto.add_float_data(v);
  std::optional<DenseTensor> t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<float>(*t), (std::vector<float>{1.5f, -2.f, 3.f}));

  proto.clear_float_data();
  proto.set_data_type(onnx::TensorProto::INT8);
  for (int v : {-1, 2, -128})
    proto.add_int32_data(v);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<int8_t>(*t), (std::vector<int8_t>{-1, 2, -128}));

  proto.set_data_type(onnx::TensorProto::UINT8);
  EXPECT_FALSE(parseProto(proto, &error)); // -1 is no uint8
  EXPECT_EQ(error, "int32_data[0] = -1 is out of range for uint8");

  proto.clear_int32_data();
  proto.set_data_type(onnx::TensorProto::BOOL);
  for (int v : {1, 0, 1})
    proto.add_int32_data(v);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<uint8_t>(*t), (std::vector<uint8_t>{1, 0, 1}));

  proto.clear_int32_data();
  proto.set_data_type(onnx::TensorProto::FLOAT16); // bit patterns in int32_data
  for (int v : {0x3c00, 0x0000, 0xfbff})
    proto.add_int32_data(v);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<uint16_t>(*t), (std::vector<uint16_t>{0x3c00, 0, 0xfbff}));

  proto.clear_int32_data();
  proto.set_data_type(onnx::TensorProto::INT64);
  for (int64_t v : {INT64_MIN, int64_t(0), INT64_MAX})
    proto.add_int64_data(v);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<int64_t>(*t), (std::vector<int64_t>{INT64_MIN, 0, INT64_MAX}));

  proto.clear_int64_data();
  proto.set_data_type(onnx::TensorProto::UINT32);
  for (uint64_t v : {uint64_t(1), uint64_t(2), uint64_t(UINT32_MAX)})
    proto.add_uint64_data(v);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<uint32_t>(*t), (std::vector<uint32_t>{1, 2, UINT32_MAX}));

  proto.clear_uint64_data();
  proto.set_data_type(onnx::TensorProto::DOUBLE);
  for (double v : {0.5, 1.0, -1e300})
    proto.add_double_data(v);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<double>(*t), (std::vector<double>{0.5, 1.0, -1e300}));

  proto.add_double_data(7); // one too many
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "double_data holds 4 values, the dims say 3");
}

TEST(TensorProto, RejectsWhatItCannotRead) {
  std::string error;
  onnx::TensorProto proto;
  proto.add_dims(2);
  proto.set_raw_data(std::string(8, '\0'));
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "not a TensorProto (no data_type)");

  proto.set_data_type(onnx::TensorProto::STRING);
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "string tensors are not supported");

  proto.set_data_type(99);
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "unsupported data_type 99");

  proto.set_data_type(onnx::TensorProto::FLOAT);
  proto.set_raw_data(std::string(7, '\0'));
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "raw_data holds 7 bytes, the dims and data_type say 8");

  proto.set_raw_data(std::string(8, '\0'));
  proto.add_float_data(1);
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "both raw_data and typed data fields are set");
  proto.clear_float_data();

  proto.set_dims(0, -2);
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "bad dims: negative dim -2");

  proto.set_dims(0, INT64_MAX);
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "bad dims: too many elements");
  proto.set_dims(0, 2);

  proto.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_FALSE(parseProto(proto, &error));
  EXPECT_EQ(error, "tensors with external data are not supported");
}

TEST(TensorProto, RejectsGarbage) {
  std::string error;
  EXPECT_FALSE(parseTensorProto("", &error));
  EXPECT_EQ(error, "empty file, not a TensorProto");
  EXPECT_FALSE(parseTensorProto("hello, this is not a tensor\n", &error));
  EXPECT_FALSE(parseTensorProto(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11),
                                &error));
  // Pseudo-random bytes: an error every time, never a crash.
  uint32_t state = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(1 + round % 64, '\0');
    for (char &c : bytes) {
      state = state * 1664525u + 1013904223u;
      c = static_cast<char>(state >> 24);
    }
    // A few random strings are valid protos; what they decode to must then be whole.
    if (std::optional<DenseTensor> tensor = parseTensorProto(bytes, &error)) {
      EXPECT_EQ(tensor->numBytes(), tensor->numElements() * elemTypeSize(tensor->elemType()));
    }
  }
}

TEST(TensorProto, RejectsEveryTruncation) {
  DenseTensor tensor = makeTensor<float>(OMC_FLOAT, {2, 2}, {1, 2, 3, 4});
  tensor.setName("x");
  std::string bytes = serializeTensorProto(tensor);
  std::string error;
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(parseTensorProto(bytes.substr(0, n), &error)) << "prefix of " << n << " bytes";
  EXPECT_TRUE(parseTensorProto(bytes, &error)) << error;
}

// tensor_proto.cc reads and writes the wire format by hand; libprotobuf's ONNX classes
// are the reference it must agree with.
TEST(TensorProto, WritesWhatLibprotobufWrites) {
  DenseTensor tensor = makeTensor<int32_t>(OMC_INT32, {2, 1, 300}, std::vector<int32_t>(600, -7));
  tensor.setName("a name longer than one hundred and twenty-seven bytes, so that its length "
                 "takes a two-byte varint in the wire format of protobuf......");
  onnx::TensorProto proto;
  for (int64_t dim : tensor.shape())
    proto.add_dims(dim);
  proto.set_data_type(onnx::TensorProto::INT32);
  proto.set_name(tensor.name());
  proto.set_raw_data(tensor.data(), tensor.numBytes());
  EXPECT_EQ(serializeTensorProto(tensor), proto.SerializeAsString());
}

TEST(TensorProto, ReadsPackedAndUnpackedFieldsAndSkipsUnknownOnes) {
  std::string error;
  // dims 2 unpacked; data_type FLOAT; float_data 1.5 unpacked (tag 4, fixed32), then
  // packed [2.5]; an unknown varint field 99; doc_string; a group (field 50).
  std::string bytes("\x08\x02\x10\x01", 4);
  bytes += std::string("\x25\x00\x00\xc0\x3f", 5);
  bytes += std::string("\x22\x04\x00\x00\x20\x40", 6);
  bytes += std::string("\x98\x06\x2a", 3);
  bytes += std::string("\x62\x03" "doc", 5);
  bytes += std::string("\x93\x03\x08\x01\x94\x03", 6);
  onnx::TensorProto reference;
  ASSERT_TRUE(reference.ParseFromString(bytes));
  ASSERT_EQ(reference.float_data_size(), 2);
  std::optional<DenseTensor> t = parseTensorProto(bytes, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->shape(), (std::vector<int64_t>{2}));
  EXPECT_EQ(values<float>(*t), (std::vector<float>{1.5f, 2.5f}));

  // Negative int32_data values are ten-byte varints.
  onnx::TensorProto proto;
  proto.add_dims(2);
  proto.set_data_type(onnx::TensorProto::INT32);
  proto.add_int32_data(-1);
  proto.add_int32_data(INT32_MIN);
  t = parseProto(proto, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(values<int32_t>(*t), (std::vector<int32_t>{-1, INT32_MIN}));
}

TEST(TensorProto, RejectsWhatLibprotobufRejects) {
  // Random bytes: whenever libprotobuf cannot parse them, neither can we.
  uint32_t state = 777;
  std::string error;
  for (int round = 0; round < 5000; ++round) {
    std::string bytes(1 + round % 40, '\0');
    for (char &c : bytes) {
      state = state * 1664525u + 1013904223u;
      c = static_cast<char>(state >> 24);
    }
    onnx::TensorProto reference;
    if (!reference.ParseFromString(bytes)) {
      EXPECT_FALSE(parseTensorProto(bytes, &error)) << "round " << round;
    }
  }
}

// ---- .npy ----

// A .npy file of format version `major` with header dict `dict` and `data`.
std::string npy(int major, const std::string &dict, const std::string &data) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::string bytes = std::string("\x93NUMPY", 6) + char(major) + char(0);
  uint32_t length = static_cast<uint32_t>(header.size());
  bytes += char(length & 0xff);
  bytes += char(length >> 8 & 0xff);
  if (major != 1) {
    bytes += char(length >> 16 & 0xff);
    bytes += char(length >> 24);
  }
  return bytes + header + data;
}

template <typename T>
std::string raw(const std::vector<T> &data) {
  return std::string(reinterpret_cast<const char *>(data.data()), data.size() * sizeof(T));
}

TEST(Npy, ReadsAFile) {
  std::string path = tempPath("input.npy");
  writeFile(path, npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                      raw<float>({1, 2, 3, 4, 5, 6})));
  std::string error;
  std::optional<DenseTensor> t = readTensorFile(path, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->elemType(), OMC_FLOAT);
  EXPECT_EQ(t->shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(*t), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t->name(), "");
}

TEST(Npy, VersionsAndDtypes) {
  std::string error;
  std::optional<DenseTensor> t =
      parseNpy(npy(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
                   raw<int64_t>({-7})), &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->elemType(), OMC_INT64);
  EXPECT_TRUE(t->shape().empty());
  EXPECT_EQ(values<int64_t>(*t), std::vector<int64_t>{-7});

  t = parseNpy(npy(3, "{\"descr\": \"|b1\", \"fortran_order\": False, \"shape\": (3,)}",
                   raw<uint8_t>({1, 0, 1})), &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->elemType(), OMC_BOOL);

  t = parseNpy(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 4), }", ""), &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->numElements(), 0);

  // Python 2's numpy wrote dims as longs.
  t = parseNpy(npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2L,), }",
                   raw<uint16_t>({0x3c00, 0})), &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(t->elemType(), OMC_FLOAT16);

  struct Case {
    const char *descr;
    int32_t type;
  };
  for (Case c : {Case{"<f8", OMC_DOUBLE}, Case{"<i4", OMC_INT32}, Case{"<i2", OMC_INT16},
                 Case{"|i1", OMC_INT8}, Case{"<u2", OMC_UINT16}, Case{"<u4", OMC_UINT32},
                 Case{"<u8", OMC_UINT64}, Case{"<c8", OMC_COMPLEX64},
                 Case{"<c16", OMC_COMPLEX128}, Case{"=f4", OMC_FLOAT}}) {
    std::string dict = std::string("{'descr': '") + c.descr +
                       "', 'fortran_order': False, 'shape': (0,), }";
    t = parseNpy(npy(1, dict, ""), &error);
    ASSERT_TRUE(t) << c.descr << ": " << error;
    EXPECT_EQ(t->elemType(), c.type) << c.descr;
  }
}

std::string npyError(const std::string &bytes) {
  std::string error;
  EXPECT_FALSE(parseNpy(bytes, &error));
  return error;
}

TEST(Npy, RejectsWhatItCannotRead) {
  std::string data = raw<float>({1, 2});
  EXPECT_EQ(npyError(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data)),
            "fortran_order arrays are not supported (save a C-order array, e.g. "
            "numpy.ascontiguousarray)");
  EXPECT_EQ(npyError(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data)),
            "dtype '>f4' is big-endian; only little-endian data is supported");
  EXPECT_EQ(npyError(npy(1, "{'descr': '<U1', 'fortran_order': False, 'shape': (2,), }", data)),
            "dtype '<U1' is not supported (it is no ONNX element type)");
  EXPECT_EQ(npyError(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", data)),
            "dtype '|O' is not supported (it is no ONNX element type)");
  EXPECT_EQ(npyError(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
                         data)),
            "malformed header: structured dtypes are not supported");
  EXPECT_EQ(npyError(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", data)),
            "truncated: the shape needs 12 bytes of data, the file has 8");
  EXPECT_EQ(npyError(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data)),
            "4 unexpected bytes after the data");
  EXPECT_EQ(npyError(npy(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data)),
            ".npy format version 4.0 is not supported");
}

TEST(Npy, RejectsMalformedHeaders) {
  for (const char *dict : {
           "", "{", "{}", "[]", "{'descr': '<f4', 'shape': (2,), }",
           "{'descr': '<f4', 'fortran_order': False, }",
           "{'descr': '<f4', 'fortran_order': false, 'shape': (2,), }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
           "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
           "{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }",
           "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }",
           "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x",
       })
    EXPECT_FALSE(npyError(npy(1, dict, raw<float>({1, 2}))).empty()) << dict;
}

TEST(Npy, RejectsGarbageAndEveryTruncation) {
  EXPECT_EQ(npyError(""), "not a .npy file (no \\x93NUMPY magic)");
  EXPECT_EQ(npyError("PK\x03\x04 a zip file"), "not a .npy file (no \\x93NUMPY magic)");
  std::string bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                          raw<float>({1, 2}));
  std::string error;
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(parseNpy(bytes.substr(0, n), &error)) << "prefix of " << n << " bytes";
  EXPECT_TRUE(parseNpy(bytes, &error)) << error;
}

// ---- files ----

TEST(TensorFile, ErrorsNameTheFile) {
  std::string error;
  EXPECT_FALSE(readTensorFile(tempPath("missing.pb"), &error));
  EXPECT_EQ(error, "cannot read " + tempPath("missing.pb") + ": No such file or directory");
  EXPECT_FALSE(readTensorFile(::testing::TempDir(), &error));
  EXPECT_EQ(error, "cannot read " + ::testing::TempDir() + ": is a directory");

  std::string garbage = tempPath("garbage.pb");
  writeFile(garbage, "hello, this is not a tensor\n");
  EXPECT_FALSE(readTensorFile(garbage, &error));
  EXPECT_EQ(error, garbage + ": not a TensorProto (malformed or truncated protobuf)");

  std::string notNpy = tempPath("garbage.npy");
  writeFile(notNpy, "hello");
  EXPECT_FALSE(readTensorFile(notNpy, &error));
  EXPECT_EQ(error, notNpy + ": not a .npy file (no \\x93NUMPY magic)");

  DenseTensor tensor = makeTensor<float>(OMC_FLOAT, {1}, {1});
  EXPECT_FALSE(writeTensorProtoFile(tensor, tempPath("no/such/dir/out.pb"), &error));
  EXPECT_EQ(error.rfind("cannot write " + tempPath("no/such/dir/out.pb") + ": ", 0), 0u);
}

// ---- DenseTensor ----

TEST(DenseTensor, CopyOfAStridedView) {
  int32_t data[6] = {0, 1, 2, 3, 4, 5};
  omc_tensor view = {};
  view.data = data;
  view.elem_type = OMC_INT32;
  view.rank = 2;
  view.shape[0] = 3, view.shape[1] = 2;
  view.strides[0] = 1, view.strides[1] = 3; // the transpose of a 2x3 matrix
  std::string error;
  std::optional<DenseTensor> copy = DenseTensor::copyOf(view, &error);
  ASSERT_TRUE(copy) << error;
  EXPECT_EQ(values<int32_t>(*copy), (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
  std::optional<omc_tensor> back = copy->view();
  ASSERT_TRUE(back);
  EXPECT_EQ(back->strides[0], 2);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(back->data) % 64, 0u);
}

TEST(DenseTensor, CreateRejectsBadShapes) {
  std::string error;
  EXPECT_FALSE(DenseTensor::create(OMC_STRING, {1}, &error));
  EXPECT_EQ(error, "unsupported element type string");
  EXPECT_FALSE(DenseTensor::create(OMC_FLOAT, {INT64_MAX / 2, 3}, &error));
  EXPECT_EQ(error, "too many elements");
  std::optional<DenseTensor> empty = DenseTensor::create(OMC_FLOAT, {0}, &error);
  ASSERT_TRUE(empty);
  EXPECT_NE(empty->data(), nullptr);
  std::optional<DenseTensor> deep = DenseTensor::create(OMC_FLOAT, std::vector<int64_t>(17, 1), &error);
  ASSERT_TRUE(deep);
  EXPECT_FALSE(deep->view()); // more dims than the ABI carries
}

} // namespace
} // namespace omc
