//===- PackedWeights.cpp - weights packed at compile time -----------------------===//
//
// See PackedWeights.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/codegen/PackedWeights.h"

#include <string>
#include <vector>

#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

namespace omc {

bool isContiguousRowMajor(MemRefType type) {
  if (type.getLayout().isIdentity())
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (!type.hasStaticShape() || failed(type.getStridesAndOffset(strides, offset)))
    return false;
  int64_t expected = 1;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (type.getDimSize(d) != 1 && strides[d] != expected)
      return false;
    expected *= type.getDimSize(d);
  }
  return true;
}

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
  return succeeded(type.getStridesAndOffset(strides, offset)) && offset == 0 &&
         isContiguousRowMajor(type);
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

// How many groups of `size` cover `count` items, when the zero padding of the last one
// is worth storing (at most an eighth of `count`); 0 when it is not.
int64_t paddedGroups(int64_t count, int64_t size) {
  int64_t groups = (count + size - 1) / size;
  return (groups * size - count) * 8 > count ? 0 : groups;
}

// `matrix` packed by `layout` into a new constant named after its weight plus `suffix`,
// made once per (matrix, key) in `cache`; null when `matrix` is no weight with its
// values at hand, or `layout` declines (an empty vector).
Value packWeight(Value matrix, int64_t key, llvm::StringRef suffix, PackedWeightCache &cache,
                 llvm::function_ref<std::vector<float>(const WeightValues &)> layout) {
  if (Value known = cache.lookup({matrix, key}))
    return known;
  std::optional<WeightValues> weight = weightValuesOf(matrix);
  if (!weight)
    return {};
  std::vector<float> packed = layout(*weight);
  if (packed.empty())
    return {};
  Value result = createPackedGlobal(weight->view.global, suffix, packed);
  cache[{matrix, key}] = result;
  return result;
}

} // namespace

Value packWeightPanels(Value b, int64_t width, PackedWeightCache &cache) {
  std::string suffix = "_panels" + std::to_string(width);
  return packWeight(b, width, suffix, cache, [&](const WeightValues &weight) {
    int64_t k = weight.rows, n = weight.cols, panels = paddedGroups(n, width);
    std::vector<float> packed(static_cast<size_t>(panels * k * width), 0.0f);
    for (int64_t p = 0; p < panels; ++p)
      for (int64_t row = 0; row < k; ++row)
        for (int64_t j = 0; j < width && p * width + j < n; ++j)
          packed[(p * k + row) * width + j] = weight.at(row, p * width + j);
    return packed;
  });
}

Value packWeightRowGroups(Value a, int64_t rows, PackedWeightCache &cache) {
  // Keyed apart from B's panels of the same width (-rows): a weight could be both.
  std::string suffix = "_rows" + std::to_string(rows);
  return packWeight(a, -rows, suffix, cache, [&](const WeightValues &weight) {
    int64_t m = weight.rows, k = weight.cols, groups = paddedGroups(m, rows);
    std::vector<float> packed(static_cast<size_t>(groups * k * rows), 0.0f);
    for (int64_t row = 0; groups && row < m; ++row)
      for (int64_t col = 0; col < k; ++col)
        packed[((row / rows) * k + col) * rows + row % rows] = weight.at(row, col);
    return packed;
  });
}

namespace {

// Whether `offset` is known to be a multiple of `unit`: a constant that is, or a product
// with one that is.
bool multipleOf(OpFoldResult offset, int64_t unit) {
  if (std::optional<int64_t> constant = getConstantIntValue(offset))
    return *constant % unit == 0;
  auto product = dyn_cast<Value>(offset).getDefiningOp<arith::MulIOp>();
  if (!product)
    return false;
  for (Value factor : product->getOperands())
    if (std::optional<int64_t> constant = getConstantIntValue(factor))
      if (*constant % unit == 0)
        return true;
  return false;
}

} // namespace

Value packWeightRowBlock(OpBuilder &builder, Value a, int64_t rows, PackedWeightCache &cache) {
  auto view = a.getDefiningOp<memref::ReinterpretCastOp>();
  if (!view || !view.getSource().getDefiningOp<krnl::GlobalOp>())
    return {};
  auto source = cast<MemRefType>(view.getSource().getType());
  MemRefType type = view.getType();
  if (source.getRank() != 2 || !source.hasStaticShape() || !source.getLayout().isIdentity() ||
      source.getDimSize(0) % rows != 0 || type.getRank() != 2 || !type.hasStaticShape())
    return {};
  int64_t m = type.getDimSize(0), k = type.getDimSize(1);
  SmallVector<int64_t> strides;
  int64_t staticOffset;
  if (k != source.getDimSize(1) || failed(type.getStridesAndOffset(strides, staticOffset)) ||
      strides[0] != k || strides[1] != 1 || view.getMixedOffsets().size() != 1 ||
      !multipleOf(view.getMixedOffsets()[0], rows * k))
    return {};
  Value packed = packWeightRowGroups(view.getSource(), rows, cache);
  if (!packed)
    return {};
  int64_t size = (m + rows - 1) / rows * rows * k;
  auto flat = MemRefType::get(
      {size}, type.getElementType(),
      StridedLayoutAttr::get(builder.getContext(), ShapedType::kDynamic, {1}));
  return memref::ReinterpretCastOp::create(builder, view.getLoc(), flat, packed,
                                           view.getMixedOffsets()[0],
                                           ArrayRef<OpFoldResult>{builder.getIndexAttr(size)},
                                           ArrayRef<OpFoldResult>{builder.getIndexAttr(1)});
}

} // namespace omc
