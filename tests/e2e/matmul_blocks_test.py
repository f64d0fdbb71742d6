#!/usr/bin/python3
"""MatMul and Gemm shapes that cross every edge of the targets' matmul tiles and blocks give
onnxruntime's results.

    matmul_blocks_test.py --compile PATH --run PATH --checker check_with_onnxruntime.js
                          --onnxruntime DIR [--target NAME]...

The backend test data's matrices are smaller than one register tile; these are not: K past
block_k (256), N past block_n (512 / 1024) and not a multiple of the register columns, M past
block_m and not a multiple of the register rows, equal stacks (linalg.batch_matmul), and Gemm
with transposed operands and a broadcast bias; and a sequence split whose chunk count is only
known at run time. Weights (initializers) take another road: omc packs them into panels at
compile time, for one row (whole panels several at a time), many rows, a transposed Gemm weight, a weight two MatMuls share
and one an Add reads too. A Relu folded into its Conv is the matmul's epilogue; convs write
their patches straight into the kernel's panels (strides, pads, dilations, partial last
panels; masked loads where the lanes are consecutive in X, even lanes of plain loads where
they are every other float (stride 2); a chunk of panels at a time when
they are many), a residual Add folds into the Conv before it (every lowering of a Conv:
panels, matmul, gather nest, depthwise), and so does a ReLU6 Clip after one; depthwise
convs of stride 1 or 2 go by vectors of outputs over a zero-padded copy of each plane
(rows of several vectors and a partial one), dilated ones accumulate rows over ranges
fixed at compile time; filters are packed at compile time into groups of register rows,
a partial group last; attention goes by blocks of query rows through the kernel; 3x3 convs
of stride 1 go by Winograd's F(2x2, 3x3) or F(4x4, 3x3) where that pays, by chunks of tile
rows. Each model is compiled per target, run on random inputs, and onnxruntime-node
(tools/models/check_with_onnxruntime.js) runs the same model on the same inputs and
compares (rtol 1e-4, atol 1e-4).
"""

import argparse
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from onnxruntime_check import add_arguments, check_targets, finish, parse


class Weight:
    """An initializer of this shape, uniform floats in [-1, 1), instead of a graph input."""

    def __init__(self, shape):
        self.shape = shape


def make_model(path, nodes, inputs, output_shape, rng):
    weights = [numpy_helper.from_array(rng.uniform(-1, 1, shape.shape).astype(np.float32), name)
               for name, shape in inputs if isinstance(shape, Weight)]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
         if not isinstance(shape, np.ndarray) else
         helper.make_tensor_value_info(name, TensorProto.INT64, list(shape.shape))
         for name, shape in inputs if not isinstance(shape, Weight)],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, output_shape)], weights)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]), path)


def scalar_constant(name, value):
    """A Constant node holding one float."""
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(np.array(value, np.float32)))


RELU6_BOUNDS = [scalar_constant("lo", 0), scalar_constant("hi", 6)]


# name -> (nodes, inputs, output shape); an input given as an int64 array is fed as is, a
# shape gets uniform floats in [-1, 1).
CASES = {
    "matmul_edges": ([helper.make_node("MatMul", ["A", "B"], ["Y"])],
                     [("A", [150, 1100]), ("B", [1100, 1100])], [150, 1100]),
    "matmul_folded_batch": ([helper.make_node("MatMul", ["A", "B"], ["Y"])],
                            [("A", [2, 9, 33]), ("B", [33, 70])], [2, 9, 70]),
    "matmul_stacks": ([helper.make_node("MatMul", ["A", "B"], ["Y"])],
                      [("A", [2, 3, 13, 70]), ("B", [2, 3, 70, 45])], [2, 3, 13, 45]),
    # Threads share C by column panels (above), by row groups when C is narrow, by whole
    # matrices when there are enough of them; one row takes the nest without packing.
    "matmul_narrow_rows": ([helper.make_node("MatMul", ["A", "B"], ["Y"])],
                           [("A", [523, 300]), ("B", [300, 30])], [523, 30]),
    "matmul_one_row": ([helper.make_node("MatMul", ["A", "B"], ["Y"])],
                       [("A", [1, 700]), ("B", [700, 1500])], [1, 1500]),
    "matmul_many_stacks": ([helper.make_node("MatMul", ["A", "B"], ["Y"])],
                           [("A", [4, 3, 61, 96]), ("B", [4, 3, 96, 83])], [4, 3, 61, 83]),
    # The chunk count ceil(7 / 3) is computed at run time (arith.ceildivsi): the last chunk
    # is x[6:7].
    "split_dynamic_count": ([helper.make_node("SplitToSequence", ["X", "S"], ["chunks"]),
                             helper.make_node("SequenceAt", ["chunks", "last"], ["Y"])],
                            [("X", [7]), ("S", np.array(3, dtype=np.int64)),
                             ("last", np.array(-1, dtype=np.int64))], [None]),
    "gemm_transposed_bias": ([helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transA=1,
                                               transB=1, beta=0.5)],
                             [("A", [270, 19]), ("B", [530, 270]), ("C", [530])], [19, 530]),
    # Weights, packed at compile time.
    "weight_one_row": ([helper.make_node("MatMul", ["A", "W"], ["Y"])],
                       [("A", [1, 700]), ("W", Weight([700, 1500]))], [1, 1500]),
    # One row against a weight: whole panels 4 at a time, then single panels, the last
    # partial; a bias per column, and K past x86's block_k (1024).
    "weight_one_row_groups": ([helper.make_node("Gemm", ["A", "W", "C"], ["Y"], transB=1)],
                              [("A", [1, 1100]), ("W", Weight([1300, 1100])),
                               ("C", Weight([1300]))], [1, 1300]),
    # 73 rows: AVX2's M blocks of 72 leave a block of one row, which takes the groups.
    "weight_rows_last_one": ([helper.make_node("MatMul", ["A", "W"], ["Y"])],
                             [("A", [73, 300]), ("W", Weight([300, 200]))], [73, 200]),
    "weight_rows": ([helper.make_node("MatMul", ["A", "W"], ["Y"])],
                    [("A", [150, 1100]), ("W", Weight([1100, 300]))], [150, 300]),
    "weight_folded_batch": ([helper.make_node("MatMul", ["A", "W"], ["Y"])],
                            [("A", [2, 9, 33]), ("W", Weight([33, 250]))], [2, 9, 250]),
    "weight_gemm_transposed": ([helper.make_node("Gemm", ["A", "W", "C"], ["Y"], transB=1)],
                               [("A", [5, 270]), ("W", Weight([530, 270])),
                                ("C", Weight([530]))], [5, 530]),
    "weight_shared": ([helper.make_node("MatMul", ["A", "W"], ["H"]),
                       helper.make_node("MatMul", ["H", "W"], ["Y"])],
                      [("A", [40, 300]), ("W", Weight([300, 300]))], [40, 300]),
    "weight_also_added": ([helper.make_node("MatMul", ["A", "W"], ["H"]),
                           helper.make_node("Add", ["H", "W"], ["Y"])],
                          [("A", [300, 300]), ("W", Weight([300, 300]))], [300, 300]),
    # A Relu folded into its Conv: the matmul's epilogue, after the last of several K blocks
    # (K = 128 * 3 * 3); the gather nest's when grouped; not folded when the Conv has
    # another reader. (Pads other than 1 all round keep this and the direct 3x3 cases below
    # off Winograd's path, whose cases come last.)
    "conv_relu": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], pads=[1, 2, 1, 0]),
                   helper.make_node("Relu", ["H"], ["Y"])],
                  [("X", [1, 128, 9, 9]), ("W", Weight([40, 128, 3, 3])),
                   ("B", Weight([40]))], [1, 40, 9, 9]),
    "conv_relu_grouped": ([helper.make_node("Conv", ["X", "W"], ["H"], group=2),
                           helper.make_node("Relu", ["H"], ["Y"])],
                          [("X", [1, 8, 5, 5]), ("W", Weight([6, 4, 1, 1]))], [1, 6, 5, 5]),
    # Depthwise (group = channels): per kernel row, the output rows and columns whose input
    # lies in X, every range fixed at compile time. Stride 2 with asymmetric pads and a
    # folded Relu; stride 1 with a dilation and a batch of 2; a 5x5 kernel wider than the
    # padding lets some taps miss whole rows.
    "depthwise_strided_relu": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], group=12,
                                                 strides=[2, 2], pads=[1, 0, 2, 1]),
                                helper.make_node("Relu", ["H"], ["Y"])],
                               [("X", [1, 12, 15, 16]), ("W", Weight([12, 1, 3, 3])),
                                ("B", Weight([12]))], [1, 12, 8, 8]),
    "depthwise_dilated": ([helper.make_node("Conv", ["X", "W"], ["Y"], group=5,
                                            dilations=[2, 3], pads=[2, 3, 2, 3])],
                          [("X", [2, 5, 9, 11]), ("W", Weight([5, 1, 3, 3]))], [2, 5, 9, 11]),
    "depthwise_5x5_small": ([helper.make_node("Conv", ["X", "W"], ["Y"], group=3,
                                              pads=[1, 1, 1, 1])],
                            [("X", [1, 3, 4, 6]), ("W", Weight([3, 1, 5, 5]))], [1, 3, 2, 4]),
    # Rows of several vectors of outputs and a partial one (21 = 2 x 8 + 5 at stride 1,
    # 18 = 2 x 8 + 2 at stride 2, asymmetric pads), over a batch of 2.
    "depthwise_wide_rows": ([helper.make_node("Conv", ["X", "W", "B"], ["Y"], group=6,
                                              pads=[1, 1, 1, 1])],
                            [("X", [2, 6, 13, 21]), ("W", Weight([6, 1, 3, 3])),
                             ("B", Weight([6]))], [2, 6, 13, 21]),
    "depthwise_strided_wide": ([helper.make_node("Conv", ["X", "W"], ["Y"], group=4,
                                                 strides=[2, 2], pads=[1, 1, 0, 1])],
                               [("X", [1, 4, 34, 35]), ("W", Weight([4, 1, 3, 3]))],
                               [1, 4, 17, 18]),
    "conv_relu_residual": ([helper.make_node("Conv", ["X", "W"], ["H"]),
                            helper.make_node("Relu", ["H"], ["R"]),
                            helper.make_node("Add", ["H", "R"], ["Y"])],
                           [("X", [1, 64, 7, 7]), ("W", Weight([64, 64, 1, 1]))],
                           [1, 64, 7, 7]),
    # Patches written straight into the kernel's panels (krnl.matmul_panels): the last panel
    # partly past N, padding on every side, strides, dilations, a 7x7 kernel, and a
    # pointwise conv with few columns (7 x 7 pixels) next to one with many (not panels).
    "conv_panels_3x3": ([helper.make_node("Conv", ["X", "W", "B"], ["Y"], pads=[1, 2, 1, 0])],
                        [("X", [1, 40, 14, 14]), ("W", Weight([24, 40, 3, 3])),
                         ("B", Weight([24]))], [1, 24, 14, 14]),
    "conv_panels_strided": ([helper.make_node("Conv", ["X", "W"], ["Y"], pads=[3, 2, 1, 0],
                                              strides=[2, 3], dilations=[1, 2])],
                            [("X", [1, 5, 23, 19]), ("W", Weight([9, 5, 7, 3]))],
                            [1, 9, 11, 6]),
    "conv_panels_7x7_relu": ([helper.make_node("Conv", ["X", "W"], ["H"], pads=[3, 3, 3, 3],
                                               strides=[2, 2]),
                              helper.make_node("Relu", ["H"], ["Y"])],
                             [("X", [1, 3, 45, 45]), ("W", Weight([16, 3, 7, 7]))],
                             [1, 16, 23, 23]),
    "conv_panels_pointwise": ([helper.make_node("Conv", ["X", "W"], ["Y"])],
                              [("X", [1, 300, 7, 7]), ("W", Weight([50, 300, 1, 1]))],
                              [1, 50, 7, 7]),
    # A residual block's tail: the Add folds into the Conv (onnx.ConvAdd), the Relu into
    # that; here the sum starts the tiles of a product over panels (49 columns).
    "residual_add_relu": ([helper.make_node("Conv", ["X", "W", "B"], ["H"]),
                           helper.make_node("Add", ["H", "X"], ["S"]),
                           helper.make_node("Relu", ["S"], ["Y"])],
                          [("X", [1, 64, 7, 7]), ("W", Weight([64, 64, 1, 1])),
                           ("B", Weight([64]))], [1, 64, 7, 7]),
    # The Conv on the Add's right, pointwise over many columns (Y starts as bias + Z before
    # the matmul), 20 rows: a partial register-row group.
    "residual_pointwise_wide": ([helper.make_node("Conv", ["X", "W", "B"], ["H"]),
                                 helper.make_node("Add", ["Z", "H"], ["S"]),
                                 helper.make_node("Relu", ["S"], ["Y"])],
                                [("X", [1, 24, 20, 20]), ("Z", [1, 20, 20, 20]),
                                 ("W", Weight([20, 24, 1, 1])), ("B", Weight([20]))],
                                [1, 20, 20, 20]),
    # 3x3 patches in panels, K = 1152 over two K blocks: Z joins the first block's tiles
    # only; no Relu.
    "residual_3x3_two_blocks": ([helper.make_node("Conv", ["X", "W"], ["H"], pads=[1, 1, 1, 1]),
                                 helper.make_node("Add", ["H", "Z"], ["Y"])],
                                [("X", [1, 128, 6, 6]), ("Z", [1, 12, 6, 6]),
                                 ("W", Weight([12, 128, 3, 3]))], [1, 12, 6, 6]),
    # A downsampling block: both sides are strided Convs, one of them takes in the Add.
    "residual_two_convs": ([helper.make_node("Conv", ["X", "W"], ["H"], strides=[2, 2]),
                            helper.make_node("Conv", ["X", "V"], ["D"], strides=[2, 2]),
                            helper.make_node("Add", ["H", "D"], ["S"]),
                            helper.make_node("Relu", ["S"], ["Y"])],
                           [("X", [1, 16, 14, 14]), ("W", Weight([32, 16, 1, 1])),
                            ("V", Weight([32, 16, 1, 1]))], [1, 32, 7, 7]),
    # Patches that go to the kernel a chunk of panels at a time, the chunks on threads, each
    # writing its columns of Y: a 3x3 conv whose panels pass 1 MiB (K = 576, 529 columns:
    # the last chunk partial) with a bias, 36 rows and a Relu; and a pointwise conv over 900
    # columns with a residual.
    "chunks_3x3_relu": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], pads=[2, 1, 0, 1]),
                         helper.make_node("Relu", ["H"], ["Y"])],
                        [("X", [1, 64, 23, 23]), ("W", Weight([36, 64, 3, 3])),
                         ("B", Weight([36]))], [1, 36, 23, 23]),
    "chunks_pointwise_residual": ([helper.make_node("Conv", ["X", "W", "B"], ["H"]),
                                   helper.make_node("Add", ["H", "Z"], ["S"]),
                                   helper.make_node("Relu", ["S"], ["Y"])],
                                  [("X", [1, 24, 30, 30]), ("Z", [1, 20, 30, 30]),
                                   ("W", Weight([20, 24, 1, 1])), ("B", Weight([20]))],
                                  [1, 20, 30, 30]),
    # Convs the matmul does not cover add Z in a pass of their own, then apply the Relu:
    # grouped (the gather nest) and depthwise.
    "residual_grouped": ([helper.make_node("Conv", ["X", "W"], ["H"], group=2, pads=[1, 1, 1, 1]),
                          helper.make_node("Add", ["H", "X"], ["S"]),
                          helper.make_node("Relu", ["S"], ["Y"])],
                         [("X", [1, 6, 5, 5]), ("W", Weight([6, 3, 3, 3]))], [1, 6, 5, 5]),
    "residual_depthwise": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], group=8,
                                             pads=[1, 1, 1, 1]),
                            helper.make_node("Add", ["X", "H"], ["S"]),
                            helper.make_node("Relu", ["S"], ["Y"])],
                           [("X", [1, 8, 10, 10]), ("W", Weight([8, 1, 3, 3])),
                            ("B", Weight([8]))], [1, 8, 10, 10]),
    # Stride 2 with whole panels in each output row (OW = 32): the panels' lanes are the
    # even floats of two plain loads of X's row where they lie inside it, gathers at the
    # pads; a 3x3 and a 7x7 (ResNet's first conv's shape).
    "conv_stride2_even_lanes": ([helper.make_node("Conv", ["X", "W", "B"], ["Y"],
                                                  strides=[2, 2], pads=[1, 1, 1, 1])],
                                [("X", [1, 3, 64, 64]), ("W", Weight([8, 3, 3, 3])),
                                 ("B", Weight([8]))], [1, 8, 32, 32]),
    "conv_7x7_stride2_even_lanes": ([helper.make_node("Conv", ["X", "W"], ["Y"],
                                                      strides=[2, 2], pads=[3, 3, 3, 3])],
                                    [("X", [1, 3, 64, 64]), ("W", Weight([16, 3, 7, 7]))],
                                    [1, 16, 32, 32]),
    # ReLU6 (a Clip to [0, 6], MobileNetV2's) folds into the Conv as its epilogue: in the
    # matmul's tiles (pointwise, many columns), in panels (3x3), in a depthwise conv, and
    # after the residual pass of a grouped ConvAdd. Inputs in [-1, 1) times weights in
    # [-1, 1) over 96+ terms (the depthwise's 9 terms scaled by 10) reach past both bounds.
    "relu6_pointwise": ([*RELU6_BOUNDS,
                         helper.make_node("Conv", ["X", "W", "B"], ["H"]),
                         helper.make_node("Clip", ["H", "lo", "hi"], ["Y"])],
                        [("X", [1, 96, 20, 20]), ("W", Weight([24, 96, 1, 1])),
                         ("B", Weight([24]))], [1, 24, 20, 20]),
    "relu6_3x3_panels": ([*RELU6_BOUNDS,
                          helper.make_node("Conv", ["X", "W"], ["H"], pads=[1, 1, 1, 1],
                                           strides=[2, 2]),
                          helper.make_node("Clip", ["H", "lo", "hi"], ["Y"])],
                         [("X", [1, 40, 9, 9]), ("W", Weight([16, 40, 3, 3]))], [1, 16, 5, 5]),
    "relu6_depthwise": ([*RELU6_BOUNDS,
                         scalar_constant("ten", 10),
                         helper.make_node("Mul", ["X", "ten"], ["X10"]),
                         helper.make_node("Conv", ["X10", "W", "B"], ["H"], group=8,
                                          pads=[1, 1, 1, 1]),
                         helper.make_node("Clip", ["H", "lo", "hi"], ["Y"])],
                        [("X", [1, 8, 10, 10]), ("W", Weight([8, 1, 3, 3])),
                         ("B", Weight([8]))], [1, 8, 10, 10]),
    "relu6_grouped_residual": ([*RELU6_BOUNDS,
                                helper.make_node("Conv", ["X", "W"], ["H"], group=2,
                                                 pads=[1, 1, 1, 1]),
                                helper.make_node("Add", ["H", "Z"], ["S"]),
                                helper.make_node("Clip", ["S", "lo", "hi"], ["Y"])],
                               [("X", [1, 64, 5, 5]), ("Z", [1, 64, 5, 5]),
                                ("W", Weight([64, 32, 3, 3]))], [1, 64, 5, 5]),
    "conv_pointwise_wide": ([helper.make_node("Conv", ["X", "W"], ["Y"])],
                            [("X", [1, 20, 30, 30]), ("W", Weight([36, 20, 1, 1]))],
                            [1, 36, 30, 30]),
    # Filters packed at compile time into groups of register rows: 62 rows leave a partial
    # group (8-row and 6-row tiles alike), K = 1080 spans two K blocks, and few columns
    # (a pointwise conv over 7 x 7 pixels) read A as one stream.
    "conv_filter_groups": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], pads=[1, 1, 1, 1]),
                            helper.make_node("Relu", ["H"], ["Y"])],
                           [("X", [1, 120, 8, 8]), ("W", Weight([62, 120, 3, 3])),
                            ("B", Weight([62]))], [1, 62, 8, 8]),
    # Stride 1 with OW = W: panel rows are masked loads of consecutive X, here with a
    # dilation of 2 (pads 2) and a partial last panel; the first rows' taps keep the gather.
    "conv_panels_consecutive": ([helper.make_node("Conv", ["X", "W"], ["Y"], pads=[2, 2, 2, 2],
                                                  dilations=[2, 2])],
                                [("X", [1, 6, 11, 13]), ("W", Weight([16, 6, 3, 3]))],
                                [1, 16, 11, 13]),
    # Attention (the composite of MatMul, Div, Where, Softmax and MatMul) by blocks of 64
    # query rows through the matmul kernel: 70 rows leave a partial second block, the batch
    # dims broadcast (Q over the batch, V over the heads), the mask is causal shifted by 5.
    "attention_blocks": ([helper.make_node("MatMul", ["Q", "Kt"], ["S"]),
                          helper.make_node("Constant", [], ["root_d"], value=numpy_helper.from_array(
                              np.array(4.0, dtype=np.float32))),
                          helper.make_node("Div", ["S", "root_d"], ["D"]),
                          helper.make_node("Constant", [], ["mask"], value=numpy_helper.from_array(
                              np.tril(np.ones((1, 1, 70, 75), dtype=bool), k=5))),
                          helper.make_node("Constant", [], ["lowest"], value=numpy_helper.from_array(
                              np.array(np.finfo(np.float32).min, dtype=np.float32))),
                          helper.make_node("Where", ["mask", "D", "lowest"], ["W"]),
                          helper.make_node("Softmax", ["W"], ["P"], axis=-1),
                          helper.make_node("MatMul", ["P", "V"], ["Y"])],
                         [("Q", [1, 3, 70, 16]), ("Kt", [2, 3, 16, 75]), ("V", [2, 1, 75, 24])],
                         [2, 3, 70, 24]),
    "conv_filter_groups_pointwise": ([helper.make_node("Conv", ["X", "W"], ["Y"])],
                                     [("X", [1, 70, 7, 7]), ("W", Weight([62, 70, 1, 1]))],
                                     [1, 62, 7, 7]),
    # 3x3 convs of stride 1 and pads 1 by Winograd F(2x2, 3x3) (ConvWinograd.h): two chunks
    # of tile rows on threads, the last one partly past the tiles, with a bias and a Relu;
    # odd H and W (the last tile row and column half outside Y) with a residual Add; a
    # single chunk whose stages share the threads; many chunks (56 x 56, by F(4x4, 3x3)).
    "winograd_relu": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], pads=[1, 1, 1, 1]),
                       helper.make_node("Relu", ["H"], ["Y"])],
                      [("X", [1, 40, 14, 14]), ("W", Weight([24, 40, 3, 3])),
                       ("B", Weight([24]))], [1, 24, 14, 14]),
    "winograd_odd_residual": ([helper.make_node("Conv", ["X", "W"], ["H"], pads=[1, 1, 1, 1]),
                               helper.make_node("Add", ["H", "Z"], ["S"]),
                               helper.make_node("Relu", ["S"], ["Y"])],
                              [("X", [1, 16, 13, 11]), ("Z", [1, 20, 13, 11]),
                               ("W", Weight([20, 16, 3, 3]))], [1, 20, 13, 11]),
    "winograd_one_chunk": ([helper.make_node("Conv", ["X", "W", "B"], ["Y"], pads=[1, 1, 1, 1])],
                           [("X", [1, 12, 10, 10]), ("W", Weight([20, 12, 3, 3])),
                            ("B", Weight([20]))], [1, 20, 10, 10]),
    "winograd_many_chunks": ([helper.make_node("Conv", ["X", "W"], ["H"], pads=[1, 1, 1, 1]),
                              helper.make_node("Relu", ["H"], ["Y"])],
                             [("X", [1, 16, 56, 56]), ("W", Weight([16, 16, 3, 3]))],
                             [1, 16, 56, 56]),
    # F(4x4, 3x3), whose last tile row and column reach 1 and 3 past an odd Y.
    "winograd_4x4_odd": ([helper.make_node("Conv", ["X", "W", "B"], ["H"], pads=[1, 1, 1, 1]),
                          helper.make_node("Relu", ["H"], ["Y"])],
                         [("X", [1, 24, 27, 25]), ("W", Weight([32, 24, 3, 3])),
                          ("B", Weight([32]))], [1, 32, 27, 25]),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_arguments(parser)
    args, env = parse(parser)
    if env is None:
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as work:
        rng = np.random.default_rng(0)
        for name, (nodes, inputs, output_shape) in CASES.items():
            model = os.path.join(work, name + ".onnx")
            make_model(model, nodes, inputs, output_shape, rng)
            paths = []
            for input_name, shape in inputs:
                if isinstance(shape, Weight):
                    continue
                path = os.path.join(work, f"{name}-{input_name}.npy")
                value = (shape if isinstance(shape, np.ndarray) else
                         rng.uniform(-1, 1, shape).astype(np.float32))
                np.save(path, value)
                paths.append(path)
            failures += check_targets(args, env, model, paths, 1, args.target,
                                      os.path.join(work, name), name)
    return finish("matmul_blocks", args, failures)


if __name__ == "__main__":
    sys.exit(main())
