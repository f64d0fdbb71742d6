// The C++ API on a model that omc really compiled (test_matmul_2d of the ONNX backend data,
// for the host's best target): its signature, and one session run from four threads at
// once, every result checked against a reference product. The fixture tests
// (execution_session_test.cc) prove the API; this one proves that compiled code keeps no
// state between calls either. Flags (see BUILD.bazel): --compile=PATH --model=PATH
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "omc/execution_session.h"
#include "tests/unit/runtime/test_flags.h"

namespace {

// Compiles the model once for every test, into the test's temporary directory.
std::string compiledModel() {
  static const std::string path = [] {
    const char *tmp = std::getenv("TEST_TMPDIR");
    std::string out = std::string(tmp ? tmp : "/tmp") + "/matmul_2d.so";
    std::string command =
        "'" + omc_test::flag("compile") + "' -o '" + out + "' '" + omc_test::flag("model") + "'";
    int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << command;
    return out;
  }();
  return path;
}

TEST(CompiledModel, ReportsItsSignature) {
  omc::ExecutionSession session(compiledModel());
  const omc::Signature &in = session.inputSignature();
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0].name, "a");
  EXPECT_EQ(in[0].elemType, OMC_FLOAT);
  EXPECT_EQ(in[0].shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(in[1].name, "b");
  EXPECT_EQ(in[1].shape, (std::vector<int64_t>{4, 3}));
  ASSERT_EQ(session.outputSignature().size(), 1u);
  EXPECT_EQ(session.outputSignature()[0].name, "c");
  EXPECT_EQ(session.outputSignature()[0].shape, (std::vector<int64_t>{3, 3}));
  EXPECT_NE(session.inputSignatureJson().find("\"name\":\"a\""), std::string::npos);
}

TEST(CompiledModel, RunsFromFourThreadsAtOnce) {
  const omc::ExecutionSession session(compiledModel());
  constexpr int kThreads = 4, kRuns = 2000;
  std::atomic<int> wrong{0}, thrown{0}, checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      std::mt19937 random(1234 + t);
      std::uniform_real_distribution<float> uniform(-1, 1);
      for (int run = 0; run < kRuns; ++run) {
        std::vector<float> a(12), b(12);
        for (float &x : a)
          x = uniform(random) + t; // each thread's values are its own
        for (float &x : b)
          x = uniform(random);
        try {
          std::vector<omc::Tensor> inputs;
          inputs.push_back(omc::Tensor::view(a.data(), OMC_FLOAT, {3, 4}));
          inputs.push_back(omc::Tensor::fromValues<float>({4, 3}, b));
          std::vector<omc::Tensor> out = session.run(inputs);
          std::vector<float> c = out[0].toVector<float>();
          bool ok = c.size() == 9;
          for (int i = 0; ok && i < 3; ++i)
            for (int j = 0; ok && j < 3; ++j) {
              float expected = 0;
              for (int k = 0; k < 4; ++k)
                expected += a[i * 4 + k] * b[k * 3 + j];
              ok = std::fabs(c[i * 3 + j] - expected) <= 1e-4f + 1e-4f * std::fabs(expected);
            }
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

TEST(CompiledModel, WrongInputsThrow) {
  omc::ExecutionSession session(compiledModel());
  std::vector<omc::Tensor> inputs;
  inputs.push_back(omc::Tensor::zeros(OMC_FLOAT, {3, 4}));
  inputs.push_back(omc::Tensor::zeros(OMC_FLOAT, {3, 4}));
  try {
    session.run(inputs);
    ADD_FAILURE() << "a [3,4] b ran";
  } catch (const omc::Error &e) {
    EXPECT_EQ(e.status(), OMC_ERR_INPUT_MISMATCH);
    EXPECT_STREQ(e.what(), "input 1 ('b'): dim 0 is 3, expected 4 (shape [4,3])");
  }
}

} // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!omc_test::parseFlags(argc, argv))
    return 2;
  if (!omc_test::flags().count("compile") || !omc_test::flags().count("model")) {
    std::fprintf(stderr, "usage: %s --compile=PATH --model=PATH\n", argv[0]);
    return 2;
  }
  return RUN_ALL_TESTS();
}
