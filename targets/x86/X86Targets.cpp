//===- X86Targets.cpp - the x86-avx2 and x86-avx512 targets -------------------===//
//
// Two x86-64 targets that differ in vector ISA: AVX2+FMA (256-bit, 16 vector
// registers) and AVX-512 (512-bit, 32 registers). Their fp32 matmul register tiles
// follow from the register files: rows x 2 vectors of accumulators plus the 2 vectors
// of B each step loads, 6x16 (14 of 16 registers) for AVX2 and 8x32 (18 of 32, leaving
// the FMA pipes enough independent chains) for AVX-512. The cache blocks keep a
// block_k x register-columns panel of B in L2 and a block_m x block_k block of A in L2.
// block_k is 1024: each K block reloads and stores the C tiles, whose rows lie far apart,
// so fewer K blocks won more than an L1-resident panel does (SGEMM 1024 on one core of an
// AVX-512 Xeon, family 6 model 207: 72% of the FMA peak with block_k 256, 80% with 512,
// 82-85% with 1024 and the C prefetch of omc-lower-matmul).
//
// LLVM's generic x86-64-v4 tuning has its loop vectorizer prefer 256-bit vectors (for
// cores that slow down on 512-bit ones); AVX-512 turns that off, so the loops LLVM
// vectorizes (elementwise chains such as GPT-2's GELU) get the full width too: GELU over
// 128 x 3072 on one core, 0.61 -> 0.46 ms median. --features=+prefer-256-bit restores it.
//
//===----------------------------------------------------------------------===//

#include "compiler/target/LLVMCpuTarget.h"
#include "compiler/target/TargetRegistry.h"
#include "llvm/ADT/StringMap.h"
#include "omc/model_abi.h"
#include "llvm/TargetParser/Host.h"

extern "C" {
void LLVMInitializeX86TargetInfo();
void LLVMInitializeX86Target();
void LLVMInitializeX86TargetMC();
void LLVMInitializeX86AsmPrinter();
}

namespace omc {
namespace {

struct X86Variant {
  const char *name;
  const char *summary;
  const char *defaultCpu;
  const char *features; // always applied, before the user's --features
  unsigned vectorBits, vectorRegisters;
  MatmulTiles matmul;
  unsigned hostScore; // when the host has every feature the code may use
};

// The features a model library lists for the runtime to check (omc_cpu_features).
#define OMC_FEATURE_NAME(name) llvm::StringRef(name),
const llvm::StringRef kCheckedFeatures[] = {OMC_X86_CPU_FEATURES(OMC_FEATURE_NAME)};
#undef OMC_FEATURE_NAME

// AVX2's block_k is 1024 too, for the same reason (one Zen 3 core, median of minimums over 3
// rounds, block_k 256 -> 1024: SGEMM 1024 35.3 -> 31.5 ms, ResNet-50 127 -> 120 ms, GPT-2's
// fc2 (128 x 3072 x 768) 10.1 -> 9.3 ms).
constexpr X86Variant kAvx2 = {
    "x86-avx2", "x86-64 with AVX2 and FMA (256-bit vectors)", "x86-64-v3",
    "+avx2,+fma,-avx512f", 256, 16, {6, 16, 1024, 72, 512}, 1};
// AVX-512's B block is 1024 columns wide: A is packed once per block of B, and at 512
// columns a 1024-wide product packed all of A twice (3% of SGEMM 1024 on one thread).
constexpr X86Variant kAvx512 = {
    "x86-avx512", "x86-64 with AVX-512 (512-bit vectors)", "x86-64-v4",
    "+avx512f,+avx512bw,+avx512dq,+avx512vl,+fma,-prefer-256-bit", 512, 32,
    {8, 32, 1024, 128, 1024}, 2};

class X86Target : public LLVMCpuTarget {
public:
  explicit X86Target(const X86Variant &variant) : variant(variant) {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
  }

  llvm::StringRef name() const override { return variant.name; }
  llvm::StringRef summary() const override { return variant.summary; }

  llvm::Expected<TargetDescription> describe(const TargetOptions &options) const override {
    TargetDescription description;
    description.name = variant.name;
    description.triple = "x86_64-unknown-linux-gnu";
    description.cpu = options.cpu.empty() ? variant.defaultCpu : options.cpu;
    description.features = variant.features;
    if (!options.features.empty())
      description.features += "," + options.features;
    description.vectorBits = variant.vectorBits;
    description.vectorRegisters = variant.vectorRegisters;
    description.matmul = variant.matmul;
    if (llvm::Error error =
            checkCpuAndFeatures(description.triple, description.cpu, description.features))
      return std::move(error);
    description.hostFeatures = enabledFeatures(description.triple, description.cpu,
                                               description.features, kCheckedFeatures);
    return description;
  }

  // The same check as the runtime's when it loads the library (with the target's
  // default CPU): the host has every feature that the code may use.
  unsigned hostScore() const override {
    llvm::Expected<TargetDescription> description = describe(TargetOptions{});
    if (!description) {
      llvm::consumeError(description.takeError());
      return 0;
    }
    llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
    llvm::SmallVector<llvm::StringRef> needed;
    llvm::StringRef(description->hostFeatures).split(needed, ',', -1, false);
    return llvm::all_of(needed, [&](llvm::StringRef name) { return host.lookup(name); })
               ? variant.hostScore
               : 0;
  }

private:
  const X86Variant &variant;
};

TargetRegistration avx2(std::make_unique<X86Target>(kAvx2));
TargetRegistration avx512(std::make_unique<X86Target>(kAvx512));

} // namespace
} // namespace omc
