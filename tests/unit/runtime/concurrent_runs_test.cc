// One compiled real model (GPT-2 tiny, exported by tools/models/export_gpt2.py with random
// weights and compiled by omc at test time) run from 12 threads at once in one process gives,
// bit for bit, the outputs the same inputs gave when run one after another. Compiled code and
// the runtime must keep no state between calls (the model's run-time checks keep theirs in
// the caller's stack frame). Flags (see BUILD.bazel): --compile=PATH --export=PATH
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "omc/execution_session.h"
#include "tests/unit/runtime/test_flags.h"

namespace {

constexpr int kThreads = 12, kInputs = 6, kRounds = 4, kSequence = 9, kVocabulary = 256;

std::string run(const std::string &command) {
  int status = std::system(command.c_str());
  EXPECT_EQ(status, 0) << command;
  return command;
}

// GPT-2 tiny, exported and compiled once, with its sequence length dynamic.
std::string compiledGpt2() {
  static const std::string path = [] {
    const char *tmp = std::getenv("TEST_TMPDIR");
    std::string dir = tmp ? tmp : "/tmp";
    run("/usr/bin/python3 '" + omc_test::flag("export") + "' --config tiny -o '" + dir +
        "/gpt2-tiny.onnx' >/dev/null");
    run("'" + omc_test::flag("compile") + "' -o '" + dir + "/gpt2-tiny.so' '" + dir +
        "/gpt2-tiny.onnx'");
    return dir + "/gpt2-tiny.so";
  }();
  return path;
}

std::vector<omc::Tensor> tokens(int seed) {
  std::mt19937 random(seed);
  std::vector<int64_t> ids(kSequence);
  for (int64_t &id : ids)
    id = random() % kVocabulary;
  std::vector<omc::Tensor> inputs;
  inputs.push_back(omc::Tensor::fromValues<int64_t>({1, kSequence}, ids));
  return inputs;
}

// The outputs' bytes, all concatenated: what "the same outputs" compares.
std::string bytesOf(const std::vector<omc::Tensor> &outputs) {
  std::string bytes;
  for (const omc::Tensor &t : outputs) {
    bytes.append(reinterpret_cast<const char *>(t.shape().data()), t.rank() * sizeof(int64_t));
    bytes.append(static_cast<const char *>(t.data()), t.numElements() * t.elemSize());
  }
  return bytes;
}

TEST(ConcurrentRuns, TwelveThreadsGiveTheSequentialOutputs) {
  const omc::ExecutionSession session(compiledGpt2());
  ASSERT_EQ(session.inputSignature().size(), 1u);
  ASSERT_EQ(session.inputSignature()[0].elemType, OMC_INT64);

  std::vector<std::string> expected;
  for (int i = 0; i < kInputs; ++i)
    expected.push_back(bytesOf(session.run(tokens(i))));
  for (int i = 1; i < kInputs; ++i)
    ASSERT_NE(expected[i], expected[0]) << "inputs " << i << " and 0 gave the same outputs";

  std::atomic<int> same{0}, different{0}, thrown{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      while (!go.load())
        std::this_thread::yield();
      for (int round = 0; round < kRounds; ++round)
        for (int k = 0; k < kInputs; ++k) {
          int i = (k + t + round) % kInputs; // threads run different inputs at once
          try {
            (bytesOf(session.run(tokens(i))) == expected[i] ? same : different)++;
          } catch (const omc::Error &) {
            thrown++;
          }
        }
    });
  go = true;
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(different.load(), 0);
  EXPECT_EQ(thrown.load(), 0);
  EXPECT_EQ(same.load(), kThreads * kRounds * kInputs);
}

} // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!omc_test::parseFlags(argc, argv))
    return 2;
  if (!omc_test::flags().count("compile") || !omc_test::flags().count("export")) {
    std::fprintf(stderr, "usage: %s --compile=PATH --export=PATH\n", argv[0]);
    return 2;
  }
  return RUN_ALL_TESTS();
}
