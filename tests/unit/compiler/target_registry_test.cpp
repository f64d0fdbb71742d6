// The target registry and the x86 plugin's descriptions.
#include "compiler/target/TargetRegistry.h"

#include <gtest/gtest.h>

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"

namespace omc {
namespace {

TEST(TargetRegistry, FindsBothX86Targets) {
  for (const char *name : {"x86-avx2", "x86-avx512"}) {
    auto target = lookupTarget(name);
    ASSERT_TRUE(static_cast<bool>(target)) << llvm::toString(target.takeError());
    EXPECT_EQ((*target)->name(), name);
  }
}

TEST(TargetRegistry, UnknownNameListsKnownTargets) {
  auto target = lookupTarget("nope");
  ASSERT_FALSE(static_cast<bool>(target));
  std::string message = llvm::toString(target.takeError());
  EXPECT_NE(message.find("unknown target 'nope'"), std::string::npos) << message;
  EXPECT_NE(message.find("x86-avx2"), std::string::npos) << message;
}

TEST(TargetRegistry, TargetsDifferInVectorWidthAndTiles) {
  auto avx2 = (*lookupTarget("x86-avx2"))->describe({});
  auto avx512 = (*lookupTarget("x86-avx512"))->describe({});
  ASSERT_TRUE(static_cast<bool>(avx2)) << llvm::toString(avx2.takeError());
  ASSERT_TRUE(static_cast<bool>(avx512)) << llvm::toString(avx512.takeError());
  EXPECT_EQ(avx2->vectorBits, 256u);
  EXPECT_EQ(avx512->vectorBits, 512u);
  EXPECT_EQ(avx2->vectorRegisters, 16u);
  EXPECT_EQ(avx512->vectorRegisters, 32u);
  // The fp32 register tile (rows x cols accumulators) plus one row of B fits the
  // register file, in whole vectors.
  for (const TargetDescription *d : {&*avx2, &*avx512}) {
    unsigned lanes = d->vectorBits / 32;
    ASSERT_EQ(d->matmul.registerCols % lanes, 0u) << d->name;
    unsigned vectors = d->matmul.registerCols / lanes;
    EXPECT_LE(d->matmul.registerRows * vectors + vectors, d->vectorRegisters) << d->name;
    EXPECT_GE(d->matmul.blockM, d->matmul.registerRows) << d->name;
  }
  EXPECT_EQ(avx2->matmul.registerCols, 16u);
  EXPECT_EQ(avx512->matmul.registerCols, 32u);
  EXPECT_NE(avx2->features.find("-avx512f"), std::string::npos);
  EXPECT_NE(avx512->features.find("+avx512f"), std::string::npos);
  // LLVM's own vectorizers get the full 512 bits, not x86-64-v4's preferred 256.
  EXPECT_NE(avx512->features.find("-prefer-256-bit"), std::string::npos);
  EXPECT_EQ(avx2->triple, "x86_64-unknown-linux-gnu");
}

TEST(TargetRegistry, UserCpuAndFeaturesAreChecked) {
  const Target *target = *lookupTarget("x86-avx512");
  TargetOptions options;
  options.cpu = "znver4";
  options.features = "+avx512bf16";
  auto good = target->describe(options);
  ASSERT_TRUE(static_cast<bool>(good)) << llvm::toString(good.takeError());
  EXPECT_EQ(good->cpu, "znver4");
  EXPECT_NE(good->features.find("+avx512bf16"), std::string::npos);

  options.cpu = "not-a-cpu";
  auto badCpu = target->describe(options);
  ASSERT_FALSE(static_cast<bool>(badCpu));
  EXPECT_NE(llvm::toString(badCpu.takeError()).find("unknown CPU 'not-a-cpu'"),
            std::string::npos);

  options.cpu = "";
  options.features = "+warp-drive";
  auto badFeature = target->describe(options);
  ASSERT_FALSE(static_cast<bool>(badFeature));
  EXPECT_NE(llvm::toString(badFeature.takeError()).find("unknown CPU feature 'warp-drive'"),
            std::string::npos);
}

TEST(TargetRegistry, DescriptionBecomesAModuleAttribute) {
  mlir::MLIRContext context;
  auto description = (*lookupTarget("x86-avx2"))->describe({});
  ASSERT_TRUE(static_cast<bool>(description));
  mlir::DictionaryAttr attr = description->toAttribute(context);
  EXPECT_EQ(mlir::cast<mlir::StringAttr>(attr.get("name")).getValue(), "x86-avx2");
  EXPECT_EQ(mlir::cast<mlir::IntegerAttr>(attr.get("vector_bits")).getInt(), 256);
}

TEST(TargetRegistry, DefaultTargetRunsOnThisHost) {
  // Every x86-64 machine omc supports has at least AVX2; the default is the best
  // registered target whose code the host can run.
  auto target = defaultTarget();
  ASSERT_TRUE(static_cast<bool>(target)) << llvm::toString(target.takeError());
  EXPECT_GT((*target)->hostScore(), 0u);
  for (const Target *other : registeredTargets())
    EXPECT_LE(other->hostScore(), (*target)->hostScore());
}

} // namespace
} // namespace omc
