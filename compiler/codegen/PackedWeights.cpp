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

// A matrix's element (row, col) as an index into a weight's row-major values.
struct WeightView {
  krnl::GlobalOp global;
  bool transposed = false; // the matrix is transpose(weight): M[i, j] = weight[j, i]
};

// Whether `cast` reads its whole source, row-major, as a matrix of another shape: offset
// 0, strides of a contiguous row-major layout (rowMajorView's conv filters as rows).
bool isRowMajorReshape(memref::ReinterpretCastOp cast) {
  auto source = dyn_cast<MemRefType>(cast.getSource().getType());
  MemRefType type = cast.getType();
  if (!source || !source.hasStaticShape() || !source.getLayout().isIdentity() ||
      !type.hasStaticShape() || source.getNumElements() != type.getNumElements())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || offset != 0)
    return false;
  int64_t expected = 1;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (type.getDimSize(d) != 1 && strides[d] != expected)
      return false;
    expected *= type.getDimSize(d);
  }
  return true;
}

std::optional<WeightView> weightBehind(Value matrix) {
  WeightView view;
  if (auto transpose = matrix.getDefiningOp<memref::TransposeOp>()) {
    if (transpose.getPermutation().isIdentity())
      return std::nullopt; // a plain view: the strides are whatever the source's are
    view.transposed = true;
    matrix = transpose.getIn();
  } else if (auto cast = matrix.getDefiningOp<memref::ReinterpretCastOp>()) {
    if (!isRowMajorReshape(cast))
      return std::nullopt;
    matrix = cast.getSource();
  }
  view.global = matrix.getDefiningOp<krnl::GlobalOp>();
  if (!view.global)
    return std::nullopt;
  return view;
}

// The f32 values of a static 2-D weight matrix, read through its view, or nullopt
// (resource blobs and the like are left alone).
struct WeightValues {
  WeightView view;
  const float *data;
  bool splat;
  int64_t rows, cols;

  float at(int64_t row, int64_t col) const {
    if (splat)
      return data[0];
    return view.transposed ? data[col * rows + row] : data[row * cols + col];
  }
};

std::optional<WeightValues> weightValuesOf(Value matrix) {
  auto type = dyn_cast<MemRefType>(matrix.getType());
  if (!type || type.getRank() != 2 || !type.hasStaticShape() || !type.getElementType().isF32())
    return std::nullopt;
  std::optional<WeightView> view = weightBehind(matrix);
  if (!view)
    return std::nullopt;
  auto values = dyn_cast<DenseElementsAttr>(view->global.getValue());
  if (!values || !values.getElementType().isF32())
    return std::nullopt;
  return WeightValues{*view, reinterpret_cast<const float *>(values.getRawData().data()),
                      values.isSplat(), type.getDimSize(0), type.getDimSize(1)};
}

// A new 1-D constant beside the weight, named after it.
Value createPackedGlobal(krnl::GlobalOp weight, llvm::StringRef suffix,
                         ArrayRef<float> packed) {
  OpBuilder builder(weight);
  builder.setInsertionPointAfter(weight);
  auto flat = RankedTensorType::get({int64_t(packed.size())}, builder.getF32Type());
  return krnl::GlobalOp::create(builder, weight.getLoc(),
                                MemRefType::get(flat.getShape(), flat.getElementType()),
                                (weight.getName() + suffix).str(),
                                DenseElementsAttr::get(flat, packed));
}

} // namespace

Value packWeightPanels(Value b, int64_t width, PackedWeightCache &cache) {
  if (Value known = cache.lookup({b, width}))
    return known;
  std::optional<WeightValues> weight = weightValuesOf(b);
  if (!weight)
    return {};
  int64_t k = weight->rows, n = weight->cols;
  int64_t panels = (n + width - 1) / width;
  // The zero columns past N are stored too: not worth it past an eighth of N.
  if ((panels * width - n) * 8 > n)
    return {};
  std::vector<float> packed(static_cast<size_t>(panels * k * width), 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t row = 0; row < k; ++row)
      for (int64_t j = 0; j < width && p * width + j < n; ++j)
        packed[(p * k + row) * width + j] = weight->at(row, p * width + j);
  Value result = createPackedGlobal(weight->view.global, "_panels" + llvm::Twine(width).str(),
                                    packed);
  cache[{b, width}] = result;
  return result;
}

Value packWeightRowGroups(Value a, int64_t rows, PackedWeightCache &cache) {
  // Keyed apart from B's panels of the same width: a weight could be both.
  if (Value known = cache.lookup({a, -rows}))
    return known;
  std::optional<WeightValues> weight = weightValuesOf(a);
  if (!weight)
    return {};
  int64_t m = weight->rows, k = weight->cols;
  int64_t groups = (m + rows - 1) / rows;
  // As for panels: the zero rows past M are stored, so not past an eighth of M.
  if ((groups * rows - m) * 8 > m)
    return {};
  std::vector<float> packed(static_cast<size_t>(groups * k * rows), 0.0f);
  for (int64_t row = 0; row < m; ++row)
    for (int64_t col = 0; col < k; ++col)
      packed[((row / rows) * k + col) * rows + row % rows] = weight->at(row, col);
  Value result = createPackedGlobal(weight->view.global, "_rows" + llvm::Twine(rows).str(),
                                    packed);
  cache[{a, -rows}] = result;
  return result;
}

} // namespace omc
