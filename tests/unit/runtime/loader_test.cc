// Loading and running model libraries through the C API, against the hand-written
// fixture (fixture_add_model.c) and its broken variants. Their paths come as flags
// (see BUILD.bazel): --add_model= --no_abi_version= --abi_version_2= --bad_signature=
// --unknown_cpu_feature= --needs_avx512=
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "omc/runtime.h"
#include "omc/signature.h"
#include "tests/unit/runtime/test_flags.h"

namespace {

std::string fixture(const std::string &name) { return omc_test::flag(name); }

// The error message of a failed call, freed.
std::string take(char *error) {
  std::string text = error ? error : "(no message)";
  omc_free_string(error);
  return text;
}

struct Loaded {
  omc_model *model = nullptr;
  ~Loaded() { omc_model_unload(model); }
};

std::string loadError(const std::string &path, omc_status expected) {
  omc_model *model = reinterpret_cast<omc_model *>(0x1); // must be reset to NULL
  char *error = nullptr;
  EXPECT_EQ(omc_model_load(path.c_str(), &model, &error), expected) << path;
  EXPECT_EQ(model, nullptr);
  return take(error);
}

omc_tensor tensor(void *data, int32_t elemType, std::vector<int64_t> shape) {
  omc_tensor t;
  EXPECT_EQ(omc_tensor_init(&t, data, elemType, static_cast<int32_t>(shape.size()),
                            shape.data()),
            OMC_OK);
  return t;
}

class Loader : public ::testing::Test {
protected:
  void SetUp() override {
    char *error = nullptr;
    ASSERT_EQ(omc_model_load(fixture("add_model").c_str(), &loaded.model, &error), OMC_OK)
        << take(error);
    EXPECT_EQ(error, nullptr);
  }

  // Runs main_graph with the given inputs and one output; the error message or "".
  std::string runError(std::vector<omc_tensor> inputs, omc_status expected) {
    omc_tensor out[1];
    char *error = nullptr;
    EXPECT_EQ(omc_model_run(loaded.model, "main_graph", inputs.data(),
                            static_cast<int64_t>(inputs.size()), out, 1, &error),
              expected);
    EXPECT_EQ(out[0].allocation, nullptr); // a failed run leaves nothing to release
    return take(error);
  }

  Loaded loaded;
  float a[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  float b[12] = {100, 100, 100, 100, 200, 200, 200, 200, 300, 300, 300, 300};
};

TEST_F(Loader, EntryPoints) {
  ASSERT_EQ(omc_model_num_entry_points(loaded.model), 6);
  EXPECT_STREQ(omc_model_entry_point(loaded.model, 0), "main_graph");
  EXPECT_STREQ(omc_model_entry_point(loaded.model, 4), "always_fails");
  EXPECT_STREQ(omc_model_entry_point(loaded.model, 5), "out_of_memory");
  EXPECT_EQ(omc_model_entry_point(loaded.model, 6), nullptr);
  EXPECT_EQ(omc_model_entry_point(loaded.model, -1), nullptr);
  EXPECT_EQ(omc_model_entry_point(nullptr, 0), nullptr);
  EXPECT_EQ(omc_model_num_entry_points(nullptr), 0);
}

TEST_F(Loader, Signatures) {
  const char *json = nullptr;
  char *error = nullptr;
  ASSERT_EQ(omc_model_input_signature(loaded.model, nullptr, &json, &error), OMC_OK);
  std::optional<omc::Signature> in = omc::parseSignature(json, nullptr);
  ASSERT_TRUE(in);
  ASSERT_EQ(in->size(), 2u);
  EXPECT_EQ((*in)[1].name, "B");
  EXPECT_EQ((*in)[1].shape, (std::vector<int64_t>{-1, 4}));
  ASSERT_EQ(omc_model_output_signature(loaded.model, "sum_i64", &json, &error), OMC_OK);
  EXPECT_STREQ(json, R"([{"name":"total","type":"int64","elem_type":7,"shape":[]}])");

  EXPECT_EQ(omc_model_output_signature(loaded.model, "nope", &json, &error),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(json, nullptr);
  EXPECT_NE(take(error).find("has no entry point 'nope' (it has: main_graph, sum_i64,"),
            std::string::npos);
  EXPECT_EQ(omc_model_input_signature(nullptr, nullptr, &json, &error),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(take(error), "model is NULL");
  EXPECT_EQ(omc_model_input_signature(loaded.model, nullptr, nullptr, nullptr),
            OMC_ERR_INVALID_ARGUMENT);
}

TEST_F(Loader, RunsAdd) {
  omc_tensor inputs[] = {tensor(a, OMC_FLOAT, {3, 4}), tensor(b, OMC_FLOAT, {3, 4})};
  omc_tensor out[1];
  char *error = reinterpret_cast<char *>(0x1); // must be reset to NULL
  ASSERT_EQ(omc_model_run(loaded.model, nullptr, inputs, 2, out, 1, &error), OMC_OK)
      << take(error);
  EXPECT_EQ(error, nullptr);
  ASSERT_EQ(out[0].elem_type, OMC_FLOAT);
  ASSERT_EQ(out[0].rank, 2);
  EXPECT_EQ(out[0].shape[0], 3);
  EXPECT_EQ(out[0].shape[1], 4);
  EXPECT_EQ(out[0].strides[0], 4);
  EXPECT_NE(out[0].allocation, nullptr);
  const float *c = static_cast<const float *>(out[0].data);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(c[i], a[i] + b[i]) << i;
  omc_tensor_release(&out[0]);
  EXPECT_EQ(out[0].data, nullptr);
  omc_tensor_release(nullptr);
}

TEST_F(Loader, CopiesStridedInputs) {
  // A 4x3 buffer viewed as its 3x4 transpose: element (i, j) is at j * 3 + i.
  float t[12];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      t[j * 3 + i] = a[i * 4 + j];
  omc_tensor inputs[] = {tensor(t, OMC_FLOAT, {3, 4}), tensor(b, OMC_FLOAT, {3, 4})};
  inputs[0].strides[0] = 1;
  inputs[0].strides[1] = 3;
  omc_tensor out[1];
  ASSERT_EQ(omc_model_run(loaded.model, nullptr, inputs, 2, out, 1, nullptr), OMC_OK);
  const float *c = static_cast<const float *>(out[0].data);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(c[i], a[i] + b[i]) << i;
  omc_tensor_release(&out[0]);
}

TEST_F(Loader, EmptyDynamicDim) {
  omc_tensor inputs[] = {tensor(a, OMC_FLOAT, {0, 4}), tensor(b, OMC_FLOAT, {0, 4})};
  omc_tensor out[1];
  ASSERT_EQ(omc_model_run(loaded.model, nullptr, inputs, 2, out, 1, nullptr), OMC_OK);
  EXPECT_EQ(out[0].shape[0], 0);
  omc_tensor_release(&out[0]);
}

TEST_F(Loader, RankZeroOutput) {
  int64_t x[3] = {5, 6, 7};
  omc_tensor in = tensor(x, OMC_INT64, {3});
  omc_tensor out;
  char *error = nullptr;
  ASSERT_EQ(omc_model_run(loaded.model, "sum_i64", &in, 1, &out, 1, &error), OMC_OK)
      << take(error);
  EXPECT_EQ(out.rank, 0);
  EXPECT_EQ(*static_cast<int64_t *>(out.data), 18);
  omc_tensor_release(&out);
}

TEST_F(Loader, OutputThatIsAnInputIsCopied) {
  omc_tensor in = tensor(a, OMC_FLOAT, {12});
  omc_tensor out;
  ASSERT_EQ(omc_model_run(loaded.model, "identity", &in, 1, &out, 1, nullptr), OMC_OK);
  EXPECT_NE(out.data, static_cast<void *>(a));
  EXPECT_EQ(out.data, out.allocation);
  EXPECT_EQ(std::memcmp(out.data, a, sizeof a), 0);
  omc_tensor_release(&out); // would free the caller's array if not copied
}

TEST_F(Loader, ConstantOutputIsCopied) {
  omc_tensor out;
  ASSERT_EQ(omc_model_run(loaded.model, "constant", nullptr, 0, &out, 1, nullptr), OMC_OK);
  EXPECT_NE(out.allocation, reinterpret_cast<void *>(0xdeadbeef));
  EXPECT_EQ(static_cast<float *>(out.data)[2], 3.0f);
  omc_tensor_release(&out);
}

TEST_F(Loader, InputCountMismatch) {
  EXPECT_EQ(runError({tensor(a, OMC_FLOAT, {3, 4})}, OMC_ERR_INPUT_MISMATCH),
            "expected 2 inputs, got 1");
}

TEST_F(Loader, InputTypeMismatch) {
  int64_t ints[12] = {};
  EXPECT_EQ(runError({tensor(a, OMC_FLOAT, {3, 4}), tensor(ints, OMC_INT64, {3, 4})},
                     OMC_ERR_INPUT_MISMATCH),
            "input 1 ('B'): expected element type float32, got int64");
}

TEST_F(Loader, InputRankMismatch) {
  EXPECT_EQ(runError({tensor(a, OMC_FLOAT, {12}), tensor(b, OMC_FLOAT, {3, 4})},
                     OMC_ERR_INPUT_MISMATCH),
            "input 0 ('A'): expected rank 2 (shape [-1,4]), got rank 1");
}

TEST_F(Loader, InputDimMismatch) {
  EXPECT_EQ(runError({tensor(a, OMC_FLOAT, {2, 6}), tensor(b, OMC_FLOAT, {3, 4})},
                     OMC_ERR_INPUT_MISMATCH),
            "input 0 ('A'): dim 1 is 6, expected 4 (shape [-1,4])");
}

TEST_F(Loader, NullData) {
  EXPECT_EQ(runError({tensor(nullptr, OMC_FLOAT, {3, 4}), tensor(b, OMC_FLOAT, {3, 4})},
                     OMC_ERR_INPUT_MISMATCH),
            "input 0 ('A'): data is NULL");
}

TEST_F(Loader, OutputCountMismatch) {
  omc_tensor inputs[] = {tensor(a, OMC_FLOAT, {3, 4}), tensor(b, OMC_FLOAT, {3, 4})};
  omc_tensor out[2];
  char *error = nullptr;
  EXPECT_EQ(omc_model_run(loaded.model, nullptr, inputs, 2, out, 2, &error),
            OMC_ERR_INPUT_MISMATCH);
  EXPECT_EQ(take(error), "expected room for 1 output, got 2");
  EXPECT_EQ(omc_model_run(loaded.model, nullptr, inputs, 2, nullptr, 1, &error),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(take(error), "outputs is NULL");
}

TEST_F(Loader, BadArguments) {
  omc_tensor out[1];
  char *error = nullptr;
  EXPECT_EQ(omc_model_run(nullptr, nullptr, nullptr, 0, out, 1, &error),
            OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(take(error), "model is NULL");
  EXPECT_EQ(omc_model_run(loaded.model, nullptr, nullptr, 2, out, 1, &error),
            OMC_ERR_INPUT_MISMATCH);
  EXPECT_EQ(take(error), "inputs is NULL");
  EXPECT_EQ(omc_model_run(loaded.model, "nope", nullptr, 2, out, 1, &error),
            OMC_ERR_INVALID_ARGUMENT);
  take(error);
  EXPECT_EQ(omc_model_load(nullptr, nullptr, nullptr), OMC_ERR_INVALID_ARGUMENT);
  omc_model *model;
  EXPECT_EQ(omc_model_load(nullptr, &model, &error), OMC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(take(error), "path is NULL");
  omc_model_unload(nullptr);
  omc_free_string(nullptr);
}

TEST_F(Loader, ModelFailureIsReported) {
  float x[1] = {1};
  omc_tensor in = tensor(x, OMC_FLOAT, {1});
  omc_tensor out;
  char *error = nullptr;
  EXPECT_EQ(omc_model_run(loaded.model, "always_fails", &in, 1, &out, 1, &error),
            OMC_ERR_RUN_FAILED);
  EXPECT_EQ(take(error), "entry point 'always_fails' failed with status 3");
  EXPECT_EQ(out.allocation, nullptr);
}

// A malloc that fails inside the model ends the run through the runtime's handler; the
// model stays usable.
TEST_F(Loader, ModelOutOfMemoryIsReported) {
  float x[1] = {1};
  omc_tensor in = tensor(x, OMC_FLOAT, {1});
  omc_tensor out;
  char *error = nullptr;
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_EQ(omc_model_run(loaded.model, "out_of_memory", &in, 1, &out, 1, &error),
              OMC_ERR_OUT_OF_MEMORY);
    EXPECT_EQ(take(error),
              "entry point 'out_of_memory' failed: out of memory allocating 1125899906842624 bytes");
    EXPECT_EQ(out.allocation, nullptr);
    EXPECT_EQ(out.rank, 0);
  }
  omc_tensor inputs[] = {tensor(a, OMC_FLOAT, {3, 4}), tensor(b, OMC_FLOAT, {3, 4})};
  omc_tensor sum;
  ASSERT_EQ(omc_model_run(loaded.model, nullptr, inputs, 2, &sum, 1, &error), OMC_OK)
      << take(error);
  EXPECT_EQ(static_cast<const float *>(sum.data)[11], a[11] + b[11]);
  omc_tensor_release(&sum);
}

TEST(LoadErrors, MissingFile) {
  EXPECT_EQ(loadError("/nonexistent/model.so", OMC_ERR_LOAD),
            "cannot open model library /nonexistent/model.so: No such file or directory");
  EXPECT_EQ(loadError("/", OMC_ERR_LOAD), "cannot open model library /: is a directory");
}

TEST(LoadErrors, NotASharedLibrary) {
  std::string path = ::testing::TempDir() + "garbage.so";
  FILE *f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("this is not an ELF file\n", f);
  std::fclose(f);
  EXPECT_EQ(loadError(path, OMC_ERR_LOAD).rfind("cannot load model library " + path + ": ", 0),
            0u);
}

TEST(LoadErrors, NotAnOmcModel) {
  std::string path = fixture("no_abi_version");
  EXPECT_EQ(loadError(path, OMC_ERR_NOT_A_MODEL), "not an omc model library: " + path);
  // Any shared library without the ABI symbols, e.g. the C library itself.
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void *>(&std::malloc), &info), 0);
  ASSERT_NE(info.dli_fname, nullptr);
  EXPECT_EQ(loadError(info.dli_fname, OMC_ERR_NOT_A_MODEL),
            std::string("not an omc model library: ") + info.dli_fname);
}

TEST(LoadErrors, OtherAbiVersion) {
  std::string path = fixture("abi_version_2");
  EXPECT_EQ(loadError(path, OMC_ERR_NOT_A_MODEL),
            "not an omc model library: " + path + " (ABI version 2, this runtime supports 1)");
}

// The runtime's refusal of the library at `path`, whose code this CPU cannot run.
std::string cpuRefusal(const std::string &path, const std::string &problem) {
  return "cannot run model library " + path + " on this CPU: it needs CPU features " +
         problem + " (compile it for this CPU, e.g. without --target)";
}

TEST(LoadErrors, CpuFeatureTheRuntimeCannotCheck) {
  std::string path = fixture("unknown_cpu_feature");
  EXPECT_EQ(loadError(path, OMC_ERR_LOAD),
            cpuRefusal(path, "this runtime cannot check: warp-drive"));
}

// x86-avx512 code on a CPU without AVX-512 is refused at load, not left to die of an
// illegal instruction; on a CPU with it, it loads.
TEST(LoadErrors, CpuFeatureTheHostLacks) {
  std::string path = fixture("needs_avx512");
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    Loaded loaded;
    char *error = nullptr;
    EXPECT_EQ(omc_model_load(path.c_str(), &loaded.model, &error), OMC_OK) << take(error);
    GTEST_SKIP() << "this CPU has AVX-512: the refusal is checked on one without it";
  }
#endif
  EXPECT_EQ(loadError(path, OMC_ERR_LOAD), cpuRefusal(path, "this CPU lacks: avx512f"));
}

TEST(LoadErrors, MalformedSignature) {
  std::string path = fixture("bad_signature");
  EXPECT_EQ(loadError(path, OMC_ERR_BAD_SIGNATURE),
            "model library " + path +
                ", entry point 'main_graph': bad input signature: malformed JSON at offset 60: "
                "unexpected end of input, expected a value");
}

} // namespace

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!omc_test::parseFlags(argc, argv))
    return 2;
  return RUN_ALL_TESTS();
}
