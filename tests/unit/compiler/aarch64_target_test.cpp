// The aarch64-neon plugin's description and its checks of --cpu and --features.
#include "compiler/target/TargetRegistry.h"

#include <gtest/gtest.h>

namespace omc {
namespace {

const Target *neon() {
  auto target = lookupTarget("aarch64-neon");
  EXPECT_TRUE(static_cast<bool>(target)) << llvm::toString(target.takeError());
  return *target;
}

TEST(AArch64Target, DescribesNeon) {
  auto description = neon()->describe({});
  ASSERT_TRUE(static_cast<bool>(description)) << llvm::toString(description.takeError());
  EXPECT_EQ(description->triple, "aarch64-unknown-linux-gnu");
  EXPECT_EQ(description->cpu, "generic");
  EXPECT_NE(description->features.find("+neon"), std::string::npos);
  EXPECT_EQ(description->vectorBits, 128u);
  EXPECT_EQ(description->vectorRegisters, 32u);
  // 8x8 fp32 accumulators: 16 of the 32 q registers.
  EXPECT_EQ(description->matmul.registerRows, 8u);
  EXPECT_EQ(description->matmul.registerCols, 8u);
}

TEST(AArch64Target, TakesArmCpusAndFeatures) {
  for (const char *cpu : {"neoverse-n1", "cortex-a72", "neoverse-v1"}) {
    TargetOptions options;
    options.cpu = cpu;
    options.features = "+dotprod,+fullfp16";
    auto description = neon()->describe(options);
    ASSERT_TRUE(static_cast<bool>(description)) << cpu << ": "
                                                << llvm::toString(description.takeError());
    EXPECT_EQ(description->cpu, cpu);
    EXPECT_NE(description->features.find("+dotprod"), std::string::npos);
  }
}

TEST(AArch64Target, RejectsX86CpusAndUnknownFeaturesByName) {
  TargetOptions options;
  options.cpu = "skylake-avx512";
  auto badCpu = neon()->describe(options);
  ASSERT_FALSE(static_cast<bool>(badCpu));
  EXPECT_NE(llvm::toString(badCpu.takeError())
                .find("unknown CPU 'skylake-avx512' for aarch64-unknown-linux-gnu"),
            std::string::npos);

  options.cpu = "";
  options.features = "+avx512f";
  auto badFeature = neon()->describe(options);
  ASSERT_FALSE(static_cast<bool>(badFeature));
  EXPECT_NE(llvm::toString(badFeature.takeError()).find("unknown CPU feature 'avx512f'"),
            std::string::npos);

  options.features = "dotprod";
  auto noSign = neon()->describe(options);
  ASSERT_FALSE(static_cast<bool>(noSign));
  EXPECT_NE(llvm::toString(noSign.takeError()).find("must start with + or -"),
            std::string::npos);
}

} // namespace
} // namespace omc
