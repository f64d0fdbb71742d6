//===- PackedWeights.cpp - B's panels packed at compile time --------------------===//
//
// See PackedWeights.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/PackedWeights.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace omc {
namespace {

// B's element (k, n) as an index into the weight's row-major values.
struct WeightView {
  krnl::GlobalOp global;
  bool transposed = false; // B = transpose(weight): B[k, n] = weight[n, k]
};

std::optional<WeightView> weightBehind(Value b) {
  WeightView view;
  if (auto transpose = b.getDefiningOp<memref::TransposeOp>()) {
    if (transpose.getPermutation().isIdentity())
      return std::nullopt; // a plain view: B's strides are whatever the source's are
    view.transposed = true;
    b = transpose.getIn();
  }
  view.global = b.getDefiningOp<krnl::GlobalOp>();
  if (!view.global)
    return std::nullopt;
  return view;
}

} // namespace

Value packWeightPanels(Value b, int64_t width, PackedWeightCache &cache) {
  auto type = dyn_cast<MemRefType>(b.getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape() || !type.getElementType().isF32())
    return {};
  if (Value known = cache.lookup({b, width}))
    return known;
  std::optional<WeightView> view = weightBehind(b);
  if (!view)
    return {};
  // Raw f32 values (or one splat value); resource blobs and the like are left alone.
  auto values = dyn_cast<DenseElementsAttr>(view->global.getValue());
  if (!values || !values.getElementType().isF32())
    return {};
  ArrayRef<char> raw = values.getRawData();
  bool splat = values.isSplat();
  auto data = reinterpret_cast<const float *>(raw.data());

  int64_t k = type.getDimSize(0), n = type.getDimSize(1);
  int64_t panels = (n + width - 1) / width;
  // The zero columns past N are stored too: not worth it past an eighth of N.
  if ((panels * width - n) * 8 > n)
    return {};
  std::vector<float> packed(static_cast<size_t>(panels * k * width), 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t row = 0; row < k; ++row)
      for (int64_t j = 0; j < width && p * width + j < n; ++j) {
        int64_t col = p * width + j;
        // Row-major weight: K x N, or N x K under a transpose.
        int64_t from = view->transposed ? col * k + row : row * n + col;
        packed[(p * k + row) * width + j] = splat ? data[0] : data[from];
      }

  OpBuilder builder(view->global);
  builder.setInsertionPointAfter(view->global);
  auto flat = RankedTensorType::get({panels * k * width}, builder.getF32Type());
  std::string name = (view->global.getName() + "_panels" + llvm::Twine(width)).str();
  Value result = krnl::GlobalOp::create(
      builder, view->global.getLoc(), MemRefType::get(flat.getShape(), flat.getElementType()),
      name, DenseElementsAttr::get(flat, ArrayRef<float>(packed)));
  cache[{b, width}] = result;
  return result;
}

} // namespace omc
