//===- CollectDeviceCode.cpp - the PTX of the gpu.binary ops ------------------===//

#include "targets/nvptx/Passes.h"

using namespace mlir;

namespace omc::nvptx {

#define GEN_PASS_DEF_COLLECTDEVICECODE
#include "targets/nvptx/Passes.h.inc"

namespace {

struct CollectDeviceCode : impl::CollectDeviceCodeBase<CollectDeviceCode> {
  void runOnOperation() override {
    std::string code;
    WalkResult result = getOperation().walk([&](gpu::BinaryOp binary) {
      for (Attribute attr : binary.getObjects()) {
        auto object = dyn_cast<gpu::ObjectAttr>(attr);
        if (!object || object.getFormat() != gpu::CompilationTarget::Assembly) {
          binary.emitError() << "nvptx: expected PTX (format=isa) objects";
          return WalkResult::interrupt();
        }
        // The serializer keeps PTX's terminating NUL for cuModuleLoadData.
        code += object.getObject().getValue().rtrim('\0').str();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    getOperation()->setAttr("omc.device_code", StringAttr::get(&getContext(), code));
  }
};

} // namespace
} // namespace omc::nvptx
