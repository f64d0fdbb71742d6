// The C++ API (omc/execution_session.h) against the hand-written fixture model
// (fixture_add_model.c) and its broken variants: signatures, runs, owning tensors, errors
// as exceptions, and one session run from four threads at once. Paths come as flags (see
// BUILD.bazel): --add_model= --no_abi_version= --bad_signature=
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "omc/execution_session.h"
#include "tests/unit/runtime/test_flags.h"

namespace {

std::string fixture(const std::string &name) { return omc_test::flag(name); }

// The omc::Error that `body` throws (a failure if it throws nothing or something else).
template <typename Body> omc::Error errorOf(Body body) {
  try {
    body();
  } catch (const omc::Error &e) {
    return e;
  } catch (const std::exception &e) {
    ADD_FAILURE() << "expected omc::Error, got std::exception: " << e.what();
    return omc::Error(OMC_OK, "");
  }
  ADD_FAILURE() << "expected omc::Error, nothing was thrown";
  return omc::Error(OMC_OK, "");
}

std::vector<omc::Tensor> tensors(omc::Tensor a, omc::Tensor b) {
  std::vector<omc::Tensor> list;
  list.push_back(std::move(a));
  list.push_back(std::move(b));
  return list;
}

TEST(ExecutionSession, ReportsSignatures) {
  omc::ExecutionSession session(fixture("add_model"));
  EXPECT_EQ(session.path(), fixture("add_model"));
  EXPECT_EQ(session.entryPoint(), "main_graph"); // the first one by default
  EXPECT_EQ(session.entryPoints(), (std::vector<std::string>{"main_graph", "sum_i64", "identity",
                                                             "constant", "always_fails",
                                                             "out_of_memory"}));
  EXPECT_EQ(session.inputSignatureJson(),
            "[{\"name\":\"A\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]},"
            "{\"name\":\"B\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]}]");
  EXPECT_EQ(session.outputSignatureJson(),
            "[{\"name\":\"C\",\"type\":\"float32\",\"elem_type\":1,\"shape\":[-1,4]}]");

  const omc::Signature &inputs = session.inputSignature();
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].name, "A");
  EXPECT_EQ(inputs[1].name, "B");
  EXPECT_EQ(inputs[0].elemType, OMC_FLOAT);
  EXPECT_EQ(inputs[1].shape, (std::vector<int64_t>{omc::kDynamicDim, 4}));
  ASSERT_EQ(session.outputSignature().size(), 1u);
  EXPECT_EQ(session.outputSignature()[0].name, "C");

  omc::ExecutionSession sum(fixture("add_model"), "sum_i64");
  EXPECT_EQ(sum.entryPoint(), "sum_i64");
  ASSERT_EQ(sum.inputSignature().size(), 1u);
  EXPECT_EQ(sum.inputSignature()[0].elemType, OMC_INT64);
  EXPECT_EQ(sum.inputSignature()[0].shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(sum.outputSignature()[0].shape, std::vector<int64_t>{}); // rank 0
}

TEST(ExecutionSession, Runs) {
  omc::ExecutionSession session(fixture("add_model"));
  std::vector<omc::Tensor> outputs =
      session.run(tensors(omc::Tensor::fromValues<float>({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7}),
                          omc::Tensor::fromValues<float>({2, 4}, {10, 10, 10, 10, 20, 20, 20, 20})));
  ASSERT_EQ(outputs.size(), 1u);
  const omc::Tensor &c = outputs[0];
  EXPECT_EQ(c.elemType(), OMC_FLOAT);
  EXPECT_EQ(c.shape(), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(c.strides(), (std::vector<int64_t>{4, 1}));
  EXPECT_TRUE(c.ownsData());
  EXPECT_EQ(c.toVector<float>(), (std::vector<float>{10, 11, 12, 13, 24, 25, 26, 27}));
  EXPECT_EQ(c.dataAs<float>()[5], 25);
}

TEST(ExecutionSession, RunsOnStridedViews) {
  omc::ExecutionSession session(fixture("add_model"));
  // Rows 0 and 2 of a 4x4 matrix, and a transposed 4x2 one: neither is contiguous.
  float a[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  float bt[8] = {100, 200, 101, 201, 102, 202, 103, 203}; // b[i][j] at bt[j * 2 + i]
  std::vector<omc::Tensor> outputs = session.run(
      tensors(omc::Tensor::view(a, OMC_FLOAT, {2, 4}, {8, 1}),
              omc::Tensor::view(bt, OMC_FLOAT, {2, 4}, {1, 2})));
  EXPECT_EQ(outputs[0].toVector<float>(),
            (std::vector<float>{100, 102, 104, 106, 208, 210, 212, 214}));
  // The views did not take ownership: the arrays above are still the caller's.
  EXPECT_FALSE(omc::Tensor::view(a, OMC_FLOAT, {16}).ownsData());
}

TEST(ExecutionSession, OutputsOutliveTheSession) {
  std::vector<omc::Tensor> outputs;
  {
    omc::ExecutionSession session(fixture("add_model"), "constant");
    outputs = session.run(std::vector<omc::Tensor>{});
  }
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_TRUE(outputs[0].ownsData()); // a copy of the library's constant
  EXPECT_EQ(outputs[0].toVector<float>(), (std::vector<float>{1, 2, 3}));
}

TEST(ExecutionSession, RankZeroAndAliasedOutputs) {
  omc::ExecutionSession sum(fixture("add_model"), "sum_i64");
  std::vector<omc::Tensor> in;
  in.push_back(omc::Tensor::fromValues<int64_t>({3}, {1, 20, 300}));
  std::vector<omc::Tensor> out = sum.run(in);
  EXPECT_EQ(out[0].rank(), 0);
  EXPECT_EQ(out[0].toVector<int64_t>(), std::vector<int64_t>{321});

  // identity returns its input's memory; the runtime hands back a copy it owns.
  omc::ExecutionSession identity(fixture("add_model"), "identity");
  std::vector<omc::Tensor> x;
  x.push_back(omc::Tensor::fromValues<float>({3}, {1.5f, 2.5f, 3.5f}));
  std::vector<omc::Tensor> y = identity.run(x);
  EXPECT_NE(y[0].data(), x[0].data());
  EXPECT_EQ(y[0].toVector<float>(), (std::vector<float>{1.5f, 2.5f, 3.5f}));
}

TEST(ExecutionSession, LoadErrorsAreExceptions) {
  omc::Error missing = errorOf([] { omc::ExecutionSession("/nonexistent/model.so"); });
  EXPECT_EQ(missing.status(), OMC_ERR_LOAD);
  EXPECT_NE(std::string(missing.what()).find("/nonexistent/model.so"), std::string::npos)
      << missing.what();

  omc::Error notModel = errorOf([] { omc::ExecutionSession(fixture("no_abi_version")); });
  EXPECT_EQ(notModel.status(), OMC_ERR_NOT_A_MODEL) << notModel.what();

  omc::Error badSignature = errorOf([] { omc::ExecutionSession(fixture("bad_signature")); });
  EXPECT_EQ(badSignature.status(), OMC_ERR_BAD_SIGNATURE) << badSignature.what();

  omc::Error noEntry = errorOf([] { omc::ExecutionSession(fixture("add_model"), "nope"); });
  EXPECT_EQ(noEntry.status(), OMC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(noEntry.what()).find("no entry point 'nope'"), std::string::npos)
      << noEntry.what();
  EXPECT_NE(std::string(noEntry.what()).find("main_graph, sum_i64"), std::string::npos)
      << noEntry.what();

  // omc::Error is a std::runtime_error, for callers that catch those.
  EXPECT_THROW(omc::ExecutionSession("/nonexistent/model.so"), std::runtime_error);
}

TEST(ExecutionSession, WrongInputsAreExceptionsNamingTheInput) {
  omc::ExecutionSession session(fixture("add_model"));
  auto a = [] { return omc::Tensor::fromValues<float>({1, 4}, {1, 2, 3, 4}); };

  std::vector<omc::Tensor> one;
  one.push_back(a());
  omc::Error count = errorOf([&] { session.run(one); });
  EXPECT_EQ(count.status(), OMC_ERR_INPUT_MISMATCH);
  EXPECT_STREQ(count.what(), "expected 2 inputs, got 1");

  omc::Error type = errorOf(
      [&] { session.run(tensors(a(), omc::Tensor::fromValues<int64_t>({1, 4}, {1, 2, 3, 4}))); });
  EXPECT_EQ(type.status(), OMC_ERR_INPUT_MISMATCH);
  EXPECT_STREQ(type.what(), "input 1 ('B'): expected element type float32, got int64");

  omc::Error shape =
      errorOf([&] { session.run(tensors(omc::Tensor::zeros(OMC_FLOAT, {1, 5}), a())); });
  EXPECT_EQ(shape.status(), OMC_ERR_INPUT_MISMATCH);
  EXPECT_STREQ(shape.what(), "input 0 ('A'): dim 1 is 5, expected 4 (shape [-1,4])");

  omc::Error rank =
      errorOf([&] { session.run(tensors(a(), omc::Tensor::zeros(OMC_FLOAT, {4}))); });
  EXPECT_STREQ(rank.what(), "input 1 ('B'): expected rank 2 (shape [-1,4]), got rank 1");

  omc::ExecutionSession fails(fixture("add_model"), "always_fails");
  std::vector<omc::Tensor> x;
  x.push_back(omc::Tensor::zeros(OMC_FLOAT, {1}));
  omc::Error failed = errorOf([&] { fails.run(x); });
  EXPECT_EQ(failed.status(), OMC_ERR_RUN_FAILED);
  EXPECT_STREQ(failed.what(), "entry point 'always_fails' failed with status 3");
}

TEST(ExecutionSession, MovedFromSessionThrows) {
  omc::ExecutionSession first(fixture("add_model"));
  omc::ExecutionSession second = std::move(first);
  EXPECT_EQ(second.inputSignature().size(), 2u);
  omc::Error moved = errorOf([&] { first.run(std::vector<omc::Tensor>{}); });
  EXPECT_EQ(moved.status(), OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(second.run(tensors(omc::Tensor::zeros(OMC_FLOAT, {0, 4}),
                               omc::Tensor::zeros(OMC_FLOAT, {0, 4})))[0]
                .shape(),
            (std::vector<int64_t>{0, 4}));
}

// One session, four threads, each with its own inputs, many runs each: every result must
// be the sum of that thread's own inputs (a shared buffer or state would mix them up).
TEST(ExecutionSession, RunsFromFourThreadsAtOnce) {
  const omc::ExecutionSession session(fixture("add_model"));
  constexpr int kThreads = 4, kRuns = 500;
  std::atomic<int> wrong{0}, thrown{0}, checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int run = 0; run < kRuns; ++run) {
        int64_t rows = 1 + (t + run) % 7; // a different shape each time
        std::vector<float> a(rows * 4), b(rows * 4);
        for (size_t i = 0; i < a.size(); ++i) {
          a[i] = static_cast<float>(t * 100000 + run * 10 + i);
          b[i] = static_cast<float>(t);
        }
        try {
          std::vector<omc::Tensor> out = session.run(
              tensors(omc::Tensor::view(a.data(), OMC_FLOAT, {rows, 4}),
                      omc::Tensor::view(b.data(), OMC_FLOAT, {rows, 4})));
          std::vector<float> c = out[0].toVector<float>();
          bool ok = out[0].shape() == std::vector<int64_t>{rows, 4} && c.size() == a.size();
          for (size_t i = 0; ok && i < c.size(); ++i)
            ok = c[i] == a[i] + b[i];
          (ok ? checked : wrong)++;
        } catch (const omc::Error &) {
          thrown++;
        }
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(thrown.load(), 0);
  EXPECT_EQ(checked.load(), kThreads * kRuns);
}

TEST(Tensor, OwnsMovesAndClones) {
  omc::Tensor empty;
  EXPECT_EQ(empty.elemType(), OMC_UNDEFINED);
  EXPECT_EQ(empty.data(), nullptr);
  EXPECT_FALSE(empty.ownsData());

  omc::Tensor a = omc::Tensor::fromValues<int32_t>({2, 2}, {1, 2, 3, 4});
  EXPECT_TRUE(a.ownsData());
  const void *data = a.data();
  omc::Tensor b = std::move(a); // the block moves; the source is left empty
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(a.data(), nullptr);
  EXPECT_FALSE(a.ownsData());
  a = std::move(b);
  EXPECT_EQ(a.data(), data);

  omc::Tensor copy = a.clone();
  EXPECT_NE(copy.data(), a.data());
  copy.dataAs<int32_t>()[0] = 100;
  EXPECT_EQ(a.toVector<int32_t>(), (std::vector<int32_t>{1, 2, 3, 4}));
  EXPECT_EQ(copy.toVector<int32_t>(), (std::vector<int32_t>{100, 2, 3, 4}));

  // clone() of a strided view is contiguous and in row-major order.
  int16_t values[6] = {0, 1, 2, 3, 4, 5};
  omc::Tensor transposed = omc::Tensor::view(values, OMC_INT16, {3, 2}, {1, 3});
  omc::Tensor dense = transposed.clone();
  EXPECT_EQ(dense.strides(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(dense.toVector<int16_t>(), (std::vector<int16_t>{0, 3, 1, 4, 2, 5}));

  omc::Tensor flags = omc::Tensor::fromValues<bool>({3}, {true, false, true});
  EXPECT_EQ(flags.elemSize(), 1);
  EXPECT_EQ(flags.toVector<bool>(), (std::vector<bool>{true, false, true}));

  omc::Tensor half = omc::Tensor::zeros(OMC_FLOAT16, {2, 3});
  EXPECT_EQ(half.numElements(), 6);
  EXPECT_EQ(half.elemSize(), 2);

  void *block = half.releaseAllocation(); // the caller frees it now
  EXPECT_FALSE(half.ownsData());
  std::free(block);
}

TEST(Tensor, MisuseThrows) {
  omc::Tensor a = omc::Tensor::fromValues<float>({2}, {1, 2});
  EXPECT_STREQ(errorOf([&] { a.dataAs<int64_t>(); }).what(), "tensor holds float32, not int64");
  EXPECT_STREQ(errorOf([] { omc::Tensor::fromValues<float>({2, 2}, {1, 2, 3}); }).what(),
               "Tensor::fromValues: 3 values for shape [2,2] of 4 elements");
  EXPECT_EQ(errorOf([] { omc::Tensor::zeros(OMC_STRING, {1}); }).status(),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(errorOf([] { omc::Tensor::zeros(OMC_FLOAT, {-1}); }).status(),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(errorOf([] { omc::Tensor::view(nullptr, OMC_FLOAT, {2}); }).status(),
            OMC_ERR_INVALID_ARGUMENT);
  float x[4];
  EXPECT_EQ(errorOf([&] { omc::Tensor::view(x, OMC_FLOAT, {2, 2}, {1}); }).status(),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(errorOf([&] { omc::Tensor::zeros(OMC_FLOAT, std::vector<int64_t>(17, 1)); }).status(),
            OMC_ERR_INVALID_ARGUMENT);
}

} // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!omc_test::parseFlags(argc, argv))
    return 2;
  return RUN_ALL_TESTS();
}
