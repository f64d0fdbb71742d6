//===- DepthwiseConv.h - f32 2-D depthwise convolution ----------------------===//
//
// Private to Conv.cpp. A depthwise conv (group = C = M: one filter per channel, as in
// MobileNet) is no matrix product, and the gather nest of ConvCommon.h spends itself on
// padding checks per element. With dilation 1 and strides of 1 or 2 it goes by vectors
// of outputs over a zero-padded copy of each plane (emitPaddedDepthwiseConv). Otherwise
// each channel's plane starts as its bias and then, per kernel row i, each output row whose input row lies in X accumulates, per tap j,
//   Y[n, c, y, x] += W[c, 0, i, j] * X[n, c, y * sh + i * dh - ph, x * sw + j * dw - pw]
// (one fused multiply-add) over the run of x whose input column lies in X, all the taps of
// the row in one pass where their runs overlap (each tap alone at the edges): every range
// is known at compile time and every index affine, so the x loops are plain loops over
// contiguous memory (for stride 1) that LLVM vectorizes, and the channels are seen to run
// apart, on threads.
//
//===----------------------------------------------------------------------===//
#ifndef OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_DEPTHWISECONV_H
#define OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_DEPTHWISECONV_H

#include "compiler/conversion/onnx_to_krnl/ConvCommon.h"
#include "compiler/dialect/krnl/KrnlOps.h"

namespace omc {
namespace conv {

// Emits Y = conv(X, W) + bias into `result` (allocated, [N, C, OH, OW]) as above and
// returns true; returns false, emitting nothing, for what it does not cover (other
// element types or ranks, dynamic shapes, group != C or M != C). `bias` is a [C] buffer
// or not a memref (no bias). The activation (relu, relu6 or none) applies once a plane is
// complete.
bool emitDepthwiseConv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x, mlir::Value w,
                       mlir::Value bias, mlir::Value result, const Geometry &g, int64_t group,
                       krnl::MatmulEpilogue activation);

// The form emitDepthwiseConv takes first, for dilation 1 and strides of 1 or 2
// (DepthwiseConvPadded.cpp): each channel's plane copied once into a zero-padded buffer,
// then whole vectors of outputs, each stored once. Returns false, emitting nothing, for
// other geometries; the caller has checked the types.
bool emitPaddedDepthwiseConv(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                             mlir::Value w, mlir::Value bias, mlir::Value result,
                             const Geometry &g, krnl::MatmulEpilogue activation);

} // namespace conv
} // namespace omc

#endif // OMC_COMPILER_CONVERSION_ONNX_TO_KRNL_DEPTHWISECONV_H
