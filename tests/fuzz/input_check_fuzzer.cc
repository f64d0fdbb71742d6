// libFuzzer target: the runtime's checks of what a caller hands a model. The bytes
// hold a signature JSON (what a model library exports) and tensor headers (what a
// caller passes); every input that passes the checks is then made dense the way
// omc_model_run does, from a buffer as large as the view claims to span.
//
// Layout: u16 JSON length, the JSON, u8 tensor count, then per tensor
// i32 elem_type, i32 rank, and min(rank, 16) i64 dims followed by as many i64 strides.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "omc/elem_type.h"
#include "omc/input_check.h"
#include "omc/signature.h"
#include "omc/tensor_layout.h"

namespace {

struct Reader {
  const uint8_t *data;
  size_t size;
  template <typename T> bool read(T &value) {
    if (size < sizeof(T))
      return false;
    std::memcpy(&value, data, sizeof(T));
    data += sizeof(T);
    size -= sizeof(T);
    return true;
  }
};

constexpr int64_t kMaxBufferBytes = 1 << 20;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Reader in{data, size};
  uint16_t jsonSize = 0;
  if (!in.read(jsonSize) || jsonSize > in.size)
    return 0;
  std::string json(reinterpret_cast<const char *>(in.data), jsonSize);
  in.data += jsonSize;
  in.size -= jsonSize;
  std::string error;
  (void)omc::parseEntryPoints(json, &error);
  std::optional<omc::Signature> signature = omc::parseSignature(json, &error);
  if (!signature)
    return 0;
  (void)omc::formatShape(signature->empty() ? std::vector<int64_t>{} : signature->front().shape);

  uint8_t count = 0;
  in.read(count);
  std::vector<omc_tensor> tensors(count);
  static char placeholder[16];
  for (omc_tensor &tensor : tensors) {
    std::memset(&tensor, 0, sizeof tensor);
    in.read(tensor.elem_type);
    in.read(tensor.rank);
    int32_t stored = tensor.rank < 0 ? 0 : tensor.rank > OMC_MAX_RANK ? OMC_MAX_RANK : tensor.rank;
    for (int32_t d = 0; d < stored; ++d)
      in.read(tensor.shape[d]);
    for (int32_t d = 0; d < stored; ++d)
      in.read(tensor.strides[d]);
    tensor.data = placeholder;
  }
  if (omc::checkInputs(*signature, tensors.data(), count))
    return 0;

  // Checked inputs: span them with real memory and copy them dense, as a run does.
  for (omc_tensor &tensor : tensors) {
    int64_t elemSize = omc::elemTypeSize(tensor.elem_type);
    std::optional<int64_t> elements = omc::numElements(tensor, elemSize);
    if (!elements || *elements * elemSize > kMaxBufferBytes)
      continue;
    const char *begin, *end;
    omc::byteSpan(tensor, elemSize, &begin, &end);
    int64_t spanBytes = static_cast<int64_t>(reinterpret_cast<uintptr_t>(end) -
                                             reinterpret_cast<uintptr_t>(begin));
    if (spanBytes < 0 || spanBytes > kMaxBufferBytes)
      continue;
    std::vector<char> buffer(spanBytes + 1);
    uintptr_t before = reinterpret_cast<uintptr_t>(tensor.data) - reinterpret_cast<uintptr_t>(begin);
    tensor.data = buffer.data() + before;
    std::vector<char> dense(*elements * elemSize + 1);
    if (omc::isContiguous(tensor))
      std::memcpy(dense.data(), tensor.data, *elements * elemSize);
    else
      omc::copyToContiguous(tensor, elemSize, dense.data());
    omc::setContiguousStrides(tensor);
  }
  return 0;
}
