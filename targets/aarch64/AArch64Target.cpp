//===- AArch64Target.cpp - the aarch64-neon target ----------------------------===//
//
// AArch64 with Advanced SIMD (NEON): 128-bit vectors, 4 fp32 lanes, 32 vector
// registers. Cross-compiled from any host: LLVM's AArch64 back end writes the
// object and ld.lld links it, so no AArch64 toolchain is needed to compile a
// model; the library runs on an Arm machine or under qemu-aarch64.
//
//===----------------------------------------------------------------------===//

#include "compiler/target/LLVMCpuTarget.h"
#include "compiler/target/TargetRegistry.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

extern "C" {
void LLVMInitializeAArch64TargetInfo();
void LLVMInitializeAArch64Target();
void LLVMInitializeAArch64TargetMC();
void LLVMInitializeAArch64AsmPrinter();
}

namespace omc {
namespace {

constexpr const char *kTriple = "aarch64-unknown-linux-gnu";
// Any ARMv8-A core (Cortex-A53 and up, Neoverse, Apple, qemu): tune with --cpu.
constexpr const char *kDefaultCpu = "generic";
// NEON and scalar FP are architectural in ARMv8-A Linux; always on, before the
// user's --features.
constexpr const char *kBaseFeatures = "+neon,+fp-armv8";

// fp32 matmul tiles. 8x8 accumulators are 16 of the 32 q registers (2 per row),
// leaving 16 for the A column and B row being broadcast and loaded. The cache
// blocks keep a 256x64 panel of A (64 KiB) in a 1 MiB L2 (Neoverse N1, A72
// clusters) and a K-slice of B's 512 columns streaming through L1.
constexpr MatmulTiles kNeonTiles = {8, 8, 256, 64, 512};

class AArch64NeonTarget : public LLVMCpuTarget {
public:
  AArch64NeonTarget() {
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
  }

  llvm::StringRef name() const override { return "aarch64-neon"; }
  llvm::StringRef summary() const override {
    return "AArch64 with NEON (128-bit vectors), cross-compiled; e.g. --cpu=neoverse-n1";
  }

  llvm::Expected<TargetDescription> describe(const TargetOptions &options) const override {
    TargetDescription description;
    description.name = "aarch64-neon";
    description.triple = kTriple;
    description.cpu = options.cpu.empty() ? kDefaultCpu : options.cpu;
    description.features = kBaseFeatures;
    if (!options.features.empty())
      description.features += "," + options.features;
    description.vectorBits = 128;
    description.vectorRegisters = 32;
    description.matmul = kNeonTiles;
    if (llvm::Error error =
            checkCpuAndFeatures(description.triple, description.cpu, description.features))
      return std::move(error);
    return description;
  }

  // Native on an AArch64 host (every AArch64 Linux has NEON); elsewhere only
  // when asked for by name.
  unsigned hostScore() const override {
    return llvm::Triple(llvm::sys::getProcessTriple()).isAArch64() ? 1 : 0;
  }
};

TargetRegistration neon(std::make_unique<AArch64NeonTarget>());

} // namespace
} // namespace omc
