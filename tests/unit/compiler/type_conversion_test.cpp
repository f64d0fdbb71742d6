// ONNX TensorProto / TypeProto -> MLIR attributes and types.
#include "compiler/importer/TypeConversion.h"

#include "compiler/dialect/onnx/ONNXOps.h"

#include <complex>
#include <fstream>

#include <gtest/gtest.h>

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace omc {
namespace {

class TypeConversionTest : public ::testing::Test {
protected:
  TypeConversionTest() { context.loadDialect<onnx::ONNXDialect>(); }
  mlir::MLIRContext context;
};

TEST_F(TypeConversionTest, RawAndTypedFloatDataAgree) {
  ::onnx::TensorProto raw, typed;
  for (auto *tensor : {&raw, &typed}) {
    tensor->set_data_type(::onnx::TensorProto::FLOAT);
    tensor->add_dims(2);
    tensor->add_dims(2);
  }
  float values[] = {1.5f, -2.0f, 3.25f, 0.0f};
  raw.set_raw_data(std::string(reinterpret_cast<char *>(values), sizeof(values)));
  for (float value : values)
    typed.add_float_data(value);
  auto fromRaw = convertTensor(context, raw, ".");
  auto fromTyped = convertTensor(context, typed, ".");
  ASSERT_TRUE(static_cast<bool>(fromRaw)) << llvm::toString(fromRaw.takeError());
  ASSERT_TRUE(static_cast<bool>(fromTyped)) << llvm::toString(fromTyped.takeError());
  EXPECT_EQ(*fromRaw, *fromTyped);
  auto read = fromRaw->getValues<float>();
  EXPECT_EQ(read[2], 3.25f);
}

TEST_F(TypeConversionTest, BoolsAreOneBytePerElement) {
  ::onnx::TensorProto tensor;
  tensor.set_data_type(::onnx::TensorProto::BOOL);
  tensor.add_dims(3);
  tensor.set_raw_data(std::string("\x01\x00\x01", 3));
  auto attr = convertTensor(context, tensor, ".");
  ASSERT_TRUE(static_cast<bool>(attr)) << llvm::toString(attr.takeError());
  auto values = llvm::to_vector(attr->getValues<bool>());
  EXPECT_EQ(values, (llvm::SmallVector<bool>{true, false, true}));
}

TEST_F(TypeConversionTest, DataSizeMustMatchDims) {
  ::onnx::TensorProto tensor;
  tensor.set_name("w");
  tensor.set_data_type(::onnx::TensorProto::INT64);
  tensor.add_dims(4);
  tensor.add_int64_data(1);
  auto attr = convertTensor(context, tensor, ".");
  ASSERT_FALSE(static_cast<bool>(attr));
  std::string message = llvm::toString(attr.takeError());
  EXPECT_NE(message.find("tensor 'w' holds 8 bytes"), std::string::npos) << message;
}

TEST_F(TypeConversionTest, UnsignedTypesKeepTheirSignedness) {
  auto type = convertElementType(context, ::onnx::TensorProto::UINT8);
  ASSERT_TRUE(static_cast<bool>(type));
  EXPECT_TRUE(type->isUnsignedInteger(8));
  auto signedType = convertElementType(context, ::onnx::TensorProto::INT8);
  ASSERT_TRUE(static_cast<bool>(signedType));
  EXPECT_TRUE(signedType->isSignlessInteger(8));
}

TEST_F(TypeConversionTest, UnknownDimsAreDynamic) {
  ::onnx::TypeProto type;
  auto *tensor = type.mutable_tensor_type();
  tensor->set_elem_type(::onnx::TensorProto::FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_param("batch");
  tensor->mutable_shape()->add_dim()->set_dim_value(3);
  auto converted = convertTensorType(context, type);
  ASSERT_TRUE(static_cast<bool>(converted));
  auto ranked = mlir::cast<mlir::RankedTensorType>(*converted);
  EXPECT_TRUE(ranked.isDynamicDim(0));
  EXPECT_EQ(ranked.getDimSize(1), 3);
}

TEST_F(TypeConversionTest, ExternalDataIsReadFromTheModelFolderOnly) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("omc-external", dir));
  llvm::SmallString<128> dataPath(dir);
  llvm::sys::path::append(dataPath, "weights.bin");
  float values[] = {4.0f, 5.0f};
  std::ofstream(std::string(dataPath), std::ios::binary)
      .write(reinterpret_cast<char *>(values), sizeof(values));

  ::onnx::TensorProto tensor;
  tensor.set_name("w");
  tensor.set_data_type(::onnx::TensorProto::FLOAT);
  tensor.add_dims(2);
  tensor.set_data_location(::onnx::TensorProto::EXTERNAL);
  auto *location = tensor.add_external_data();
  location->set_key("location");
  location->set_value("weights.bin");
  auto attr = convertTensor(context, tensor, std::string(dir));
  ASSERT_TRUE(static_cast<bool>(attr)) << llvm::toString(attr.takeError());
  EXPECT_EQ(attr->getValues<float>()[1], 5.0f);

  location->set_value("../escape.bin");
  auto escaped = convertTensor(context, tensor, std::string(dir));
  ASSERT_FALSE(static_cast<bool>(escaped));
  EXPECT_NE(llvm::toString(escaped.takeError()).find("escapes the model's folder"),
            std::string::npos);

  tensor.add_dims(8); // now needs 16 floats, the file has 2
  location->set_value("weights.bin");
  auto shortFile = convertTensor(context, tensor, std::string(dir));
  ASSERT_FALSE(static_cast<bool>(shortFile));
  llvm::sys::fs::remove_directories(dir);
}

TEST_F(TypeConversionTest, StringTensorsHoldTheirStrings) {
  ::onnx::TensorProto tensor;
  tensor.set_data_type(::onnx::TensorProto::STRING);
  tensor.add_dims(2);
  tensor.add_string_data("hello");
  tensor.add_string_data("");
  auto converted = convertTensor(context, tensor, ".");
  ASSERT_TRUE(static_cast<bool>(converted)) << llvm::toString(converted.takeError());
  EXPECT_TRUE(mlir::isa<onnx::StringType>(converted->getElementType()));
  EXPECT_EQ(converted->getRawStringData()[0], "hello");
  EXPECT_EQ(converted->getRawStringData()[1], "");

  tensor.add_string_data("one too many");
  auto wrongCount = convertTensor(context, tensor, ".");
  ASSERT_FALSE(static_cast<bool>(wrongCount));
  EXPECT_NE(llvm::toString(wrongCount.takeError()).find("holds 3 strings"), std::string::npos);
}

TEST_F(TypeConversionTest, ComplexNumbersArePairs) {
  ::onnx::TensorProto tensor;
  tensor.set_data_type(::onnx::TensorProto::COMPLEX64);
  tensor.add_dims(1);
  tensor.add_float_data(1.5f);
  tensor.add_float_data(-2.0f);
  auto converted = convertTensor(context, tensor, ".");
  ASSERT_TRUE(static_cast<bool>(converted)) << llvm::toString(converted.takeError());
  auto complex = mlir::dyn_cast<mlir::ComplexType>(converted->getElementType());
  ASSERT_TRUE(complex);
  EXPECT_TRUE(complex.getElementType().isF32());
  auto value = converted->getValues<std::complex<float>>()[0];
  EXPECT_EQ(value, std::complex<float>(1.5f, -2.0f));
}

TEST_F(TypeConversionTest, SequencesAndOptionalsNest) {
  ::onnx::TypeProto type;
  auto *tensor =
      type.mutable_optional_type()->mutable_elem_type()->mutable_sequence_type()
          ->mutable_elem_type()->mutable_tensor_type();
  tensor->set_elem_type(::onnx::TensorProto::INT64);
  tensor->mutable_shape()->add_dim()->set_dim_param("n");
  auto converted = convertType(context, type);
  ASSERT_TRUE(static_cast<bool>(converted)) << llvm::toString(converted.takeError());
  auto opt = mlir::dyn_cast<onnx::OptType>(*converted);
  ASSERT_TRUE(opt);
  auto seq = mlir::dyn_cast<onnx::SeqType>(opt.getElementType());
  ASSERT_TRUE(seq);
  auto element = mlir::dyn_cast<mlir::RankedTensorType>(seq.getElementType());
  ASSERT_TRUE(element);
  EXPECT_TRUE(element.isDynamicDim(0));
  EXPECT_TRUE(element.getElementType().isInteger(64));
}

TEST_F(TypeConversionTest, MapsAreRefusedByName) {
  ::onnx::TypeProto type;
  type.mutable_map_type()->set_key_type(::onnx::TensorProto::INT64);
  auto converted = convertType(context, type);
  ASSERT_FALSE(static_cast<bool>(converted));
  EXPECT_EQ(llvm::toString(converted.takeError()), "omc does not support ONNX map values");
}

} // namespace
} // namespace omc
