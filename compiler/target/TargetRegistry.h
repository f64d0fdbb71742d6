//===- TargetRegistry.h - targets by name -------------------------------------===//
//
// A plain registry: each plugin library registers its targets from a static
// initializer (`static TargetRegistration reg(std::make_unique<MyTarget>())`,
// linked with alwayslink), and tools look them up by name.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_TARGET_TARGETREGISTRY_H
#define OMC_COMPILER_TARGET_TARGETREGISTRY_H

#include "compiler/target/Target.h"

namespace omc {

void registerTarget(std::unique_ptr<Target> target);

// The target named `name`, or an error listing the known names.
llvm::Expected<const Target *> lookupTarget(llvm::StringRef name);

// The registered target that runs best on this host, or an error if none can.
llvm::Expected<const Target *> defaultTarget();

std::vector<const Target *> registeredTargets();

struct TargetRegistration {
  explicit TargetRegistration(std::unique_ptr<Target> target) {
    registerTarget(std::move(target));
  }
};

} // namespace omc

#endif // OMC_COMPILER_TARGET_TARGETREGISTRY_H
