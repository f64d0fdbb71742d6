// Element type names and sizes, in C++ and through the C API.
#include "omc/elem_type.h"

#include <gtest/gtest.h>

#include "omc/runtime.h"

namespace omc {
namespace {

TEST(ElemType, NamesAndSizes) {
  struct Case {
    int32_t type;
    const char *name;
    int64_t size;
  };
  for (const Case &c : {Case{OMC_FLOAT, "float32", 4}, Case{OMC_UINT8, "uint8", 1},
                        Case{OMC_INT8, "int8", 1}, Case{OMC_UINT16, "uint16", 2},
                        Case{OMC_INT16, "int16", 2}, Case{OMC_INT32, "int32", 4},
                        Case{OMC_INT64, "int64", 8}, Case{OMC_BOOL, "bool", 1},
                        Case{OMC_FLOAT16, "float16", 2}, Case{OMC_DOUBLE, "float64", 8},
                        Case{OMC_UINT32, "uint32", 4}, Case{OMC_UINT64, "uint64", 8},
                        Case{OMC_COMPLEX64, "complex64", 8},
                        Case{OMC_COMPLEX128, "complex128", 16},
                        Case{OMC_BFLOAT16, "bfloat16", 2}}) {
    EXPECT_STREQ(elemTypeName(c.type), c.name);
    EXPECT_EQ(elemTypeSize(c.type), c.size) << c.name;
    EXPECT_EQ(elemTypeFromName(c.name), c.type);
    EXPECT_STREQ(omc_elem_type_name(c.type), c.name);
    EXPECT_EQ(omc_elem_type_size(c.type), c.size);
  }
}

TEST(ElemType, NoFixedSize) {
  EXPECT_STREQ(elemTypeName(OMC_STRING), "string");
  EXPECT_EQ(elemTypeSize(OMC_STRING), 0);
  EXPECT_EQ(elemTypeSize(OMC_UNDEFINED), 0);
}

TEST(ElemType, Unknown) {
  EXPECT_EQ(elemTypeName(99), nullptr);
  EXPECT_EQ(elemTypeName(-1), nullptr);
  EXPECT_EQ(elemTypeSize(99), 0);
  EXPECT_EQ(omc_elem_type_name(99), nullptr);
  EXPECT_EQ(elemTypeFromName("double"), std::nullopt); // numpy's name is float64
  EXPECT_EQ(elemTypeFromName(""), std::nullopt);
  EXPECT_EQ(describeElemType(99), "unknown element type 99");
  EXPECT_EQ(describeElemType(OMC_INT64), "int64");
}

} // namespace
} // namespace omc
