//===- EntryPointABI.cpp - krnl.entry_point -> the C functions of the model ABI ===//
//
// The layout of omc_tensor (runtime/include/omc/model_abi.h) is mirrored here as
// an LLVM struct; a memref descriptor is {allocated, aligned, offset, sizes[R],
// strides[R]}. Keep the two in step with OMC_MAX_RANK and the field order.
//
// Sequences and optionals (buffers of buffers, see
// compiler/conversion/onnx_to_krnl/Sequence.h) cross as an omc_tensor of elem_type
// OMC_SEQUENCE / OMC_OPTIONAL, rank 1, shape[0] the count, data an array of omc_tensor.
// An input's buffers of buffers are built here from the caller's arrays (the leaves
// stay views of the caller's memory) and freed after the call; an output's arrays are
// malloc'ed here and handed over with the element buffers, which the caller frees.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/krnl_to_llvm/EntryPointABI.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"

using namespace mlir;

namespace omc {
namespace {

constexpr int64_t kMaxRank = 16; // OMC_MAX_RANK
constexpr int64_t kAbiVersion = 1; // OMC_ABI_VERSION
constexpr int32_t kSequenceTag = 1000; // OMC_SEQUENCE
constexpr int32_t kOptionalTag = 1001; // OMC_OPTIONAL
enum TensorField { kData = 0, kAllocation, kElemType, kRank, kShape, kStrides };


// What one signature entry (or its "element") holds, outside in: OMC_SEQUENCE or
// OMC_OPTIONAL for each wrapper, then the tensor's "elem_type".
FailureOr<SmallVector<int32_t>> entryTags(const llvm::json::Object *object) {
  SmallVector<int32_t> tags;
  while (object) {
    std::optional<llvm::StringRef> kind = object->getString("kind");
    if (!kind || *kind == "tensor") {
      std::optional<int64_t> elemType = object->getInteger("elem_type");
      if (!elemType)
        return failure();
      tags.push_back(static_cast<int32_t>(*elemType));
      return tags;
    }
    if (*kind != "sequence" && *kind != "optional")
      return failure();
    tags.push_back(*kind == "sequence" ? kSequenceTag : kOptionalTag);
    object = object->getObject("element");
  }
  return failure();
}

// The tags (entryTags) of every value of a signature JSON (see runtime/include/omc/model_abi.h).
LogicalResult signatureTags(Operation *op, StringRef signature,
                            SmallVectorImpl<SmallVector<int32_t>> &tags) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(signature);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return op->emitOpError() << "has a malformed signature";
  }
  const llvm::json::Array *values = parsed->getAsArray();
  if (!values)
    return op->emitOpError() << "has a signature that is not an array";
  for (const llvm::json::Value &value : *values) {
    FailureOr<SmallVector<int32_t>> chain = entryTags(value.getAsObject());
    if (failed(chain))
      return op->emitOpError() << "has a signature entry without elem_type";
    tags.push_back(*chain);
  }
  return success();
}

// How many buffers of buffers wrap the leaf buffer of `type`.
size_t nestingDepth(MemRefType type) {
  size_t depth = 0;
  for (auto element = dyn_cast<MemRefType>(type.getElementType()); element;
       element = dyn_cast<MemRefType>(element.getElementType()))
    ++depth;
  return depth;
}

class ABIBuilder {
public:
  ABIBuilder(ModuleOp module, StringRef prefix)
      : module(module), prefix(prefix.str()), context(module.getContext()), builder(context),
        ptrType(LLVM::LLVMPointerType::get(context)), i32Type(builder.getI32Type()),
        i64Type(builder.getI64Type()) {
    auto dims = LLVM::LLVMArrayType::get(i64Type, kMaxRank);
    tensorType = LLVM::LLVMStructType::getLiteral(
        context, {ptrType, ptrType, i32Type, i32Type, dims, dims});
  }

  LogicalResult build(krnl::EntryPointOp entry);
  void buildEntryPointList(ArrayRef<std::string> names);

private:
  // An exported symbol: "<prefix>_<suffix>".
  std::string symbol(const Twine &suffix) const { return (Twine(prefix) + "_" + suffix).str(); }
  Type descriptorType(MemRefType type);
  Value constI64(Location loc, int64_t value) {
    return LLVM::ConstantOp::create(builder, loc, i64Type, builder.getI64IntegerAttr(value));
  }
  Value constI32(Location loc, int32_t value) {
    return LLVM::ConstantOp::create(builder, loc, i32Type, builder.getI32IntegerAttr(value));
  }
  // Address of field `field` (and element `index` of an array field) of tensor `i`.
  Value fieldAddress(Location loc, Value tensors, int64_t i, int32_t field,
                     std::optional<int32_t> index = std::nullopt);
  Value unpackInput(Location loc, Value inputs, int64_t i, MemRefType type);
  void packOutput(Location loc, Value outputs, int64_t i, Value memref, int32_t elemType);
  // Calls body(k) for k = 0 .. count-1 (i64), in blocks of the wrapper.
  void buildLoop(Location loc, Value count, function_ref<void(Value)> body);
  // The buffer of buffers for the omc_tensor at `tensor`, and its clean-up.
  Value unpackNested(Location loc, Value tensor, MemRefType type);
  void freeUnpacked(Location loc, Value value);
  // Fills the omc_tensor at `tensor` from the buffer of buffers `value`.
  void packNested(Location loc, Value tensor, Value value, ArrayRef<int32_t> tags);
  void buildStringGetter(Location loc, StringRef function, StringRef text);

  ModuleOp module;
  std::string prefix;
  MLIRContext *context;
  OpBuilder builder;
  Type ptrType, i32Type, i64Type, tensorType;
  SmallVector<Value> unpacked; // the input buffers of buffers, freed after the call
};

Type ABIBuilder::descriptorType(MemRefType type) {
  SmallVector<Type> fields = {ptrType, ptrType, i64Type};
  if (type.getRank() > 0) {
    auto dims = LLVM::LLVMArrayType::get(i64Type, type.getRank());
    fields.append({dims, dims});
  }
  return LLVM::LLVMStructType::getLiteral(context, fields);
}

Value ABIBuilder::fieldAddress(Location loc, Value tensors, int64_t i, int32_t field,
                               std::optional<int32_t> index) {
  SmallVector<LLVM::GEPArg> indices = {static_cast<int32_t>(i), field};
  if (index)
    indices.push_back(*index);
  return LLVM::GEPOp::create(builder, loc, ptrType, tensorType, tensors, indices);
}

Value ABIBuilder::unpackInput(Location loc, Value inputs, int64_t i, MemRefType type) {
  Value data = LLVM::LoadOp::create(builder, loc, ptrType, fieldAddress(loc, inputs, i, kData));
  Type descType = descriptorType(type);
  Value desc = LLVM::UndefOp::create(builder, loc, descType);
  desc = LLVM::InsertValueOp::create(builder, loc, desc, data, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(builder, loc, desc, data, ArrayRef<int64_t>{1});
  desc = LLVM::InsertValueOp::create(builder, loc, desc, constI64(loc, 0), ArrayRef<int64_t>{2});
  for (int32_t d = 0; d < type.getRank(); ++d) {
    Value size = LLVM::LoadOp::create(builder, loc, i64Type,
                                      fieldAddress(loc, inputs, i, kShape, d));
    Value stride = LLVM::LoadOp::create(builder, loc, i64Type,
                                        fieldAddress(loc, inputs, i, kStrides, d));
    desc = LLVM::InsertValueOp::create(builder, loc, desc, size, ArrayRef<int64_t>{3, d});
    desc = LLVM::InsertValueOp::create(builder, loc, desc, stride, ArrayRef<int64_t>{4, d});
  }
  return UnrealizedConversionCastOp::create(builder, loc, type, desc).getResult(0);
}

void ABIBuilder::packOutput(Location loc, Value outputs, int64_t i, Value memref,
                            int32_t elemType) {
  auto type = cast<MemRefType>(memref.getType());
  Value desc =
      UnrealizedConversionCastOp::create(builder, loc, descriptorType(type), memref).getResult(0);
  Value allocated = LLVM::ExtractValueOp::create(builder, loc, desc, ArrayRef<int64_t>{0});
  Value aligned = LLVM::ExtractValueOp::create(builder, loc, desc, ArrayRef<int64_t>{1});
  Value offset = LLVM::ExtractValueOp::create(builder, loc, desc, ArrayRef<int64_t>{2});
  Value data = LLVM::GEPOp::create(builder, loc, ptrType, type.getElementType(), aligned,
                                   ArrayRef<LLVM::GEPArg>{offset});
  LLVM::StoreOp::create(builder, loc, data, fieldAddress(loc, outputs, i, kData));
  LLVM::StoreOp::create(builder, loc, allocated, fieldAddress(loc, outputs, i, kAllocation));
  LLVM::StoreOp::create(builder, loc, constI32(loc, elemType),
                        fieldAddress(loc, outputs, i, kElemType));
  LLVM::StoreOp::create(builder, loc, constI32(loc, type.getRank()),
                        fieldAddress(loc, outputs, i, kRank));
  for (int32_t d = 0; d < type.getRank(); ++d) {
    Value size = LLVM::ExtractValueOp::create(builder, loc, desc, ArrayRef<int64_t>{3, d});
    Value stride = LLVM::ExtractValueOp::create(builder, loc, desc, ArrayRef<int64_t>{4, d});
    LLVM::StoreOp::create(builder, loc, size, fieldAddress(loc, outputs, i, kShape, d));
    LLVM::StoreOp::create(builder, loc, stride, fieldAddress(loc, outputs, i, kStrides, d));
  }
}

void ABIBuilder::buildLoop(Location loc, Value count, function_ref<void(Value)> body) {
  Block *from = builder.getInsertionBlock();
  Region *region = from->getParent();
  auto *header = new Block(), *loopBody = new Block(), *exit = new Block();
  region->push_back(header);
  region->push_back(loopBody);
  region->push_back(exit);
  Value k = header->addArgument(i64Type, loc);
  cf::BranchOp::create(builder, loc, header, ValueRange{constI64(loc, 0)});
  builder.setInsertionPointToEnd(header);
  Value more = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::slt, k, count);
  cf::CondBranchOp::create(builder, loc, more, loopBody, exit);
  builder.setInsertionPointToEnd(loopBody);
  body(k);
  Value next = LLVM::AddOp::create(builder, loc, k, constI64(loc, 1));
  cf::BranchOp::create(builder, loc, header, ValueRange{next});
  builder.setInsertionPointToEnd(exit);
}

Value ABIBuilder::unpackNested(Location loc, Value tensor, MemRefType type) {
  auto elementType = cast<MemRefType>(type.getElementType());
  Value count =
      LLVM::LoadOp::create(builder, loc, i64Type, fieldAddress(loc, tensor, 0, kShape, 0));
  Value elements = LLVM::LoadOp::create(builder, loc, ptrType, fieldAddress(loc, tensor, 0, kData));
  Value size = arith::IndexCastOp::create(builder, loc, builder.getIndexType(), count);
  Value buffer = memref::AllocOp::create(builder, loc, type, ValueRange{size});
  buildLoop(loc, count, [&](Value k) {
    Value element = LLVM::GEPOp::create(builder, loc, ptrType, tensorType, elements,
                                        ArrayRef<LLVM::GEPArg>{k});
    Value value = isa<MemRefType>(elementType.getElementType())
                      ? unpackNested(loc, element, elementType)
                      : unpackInput(loc, element, 0, elementType);
    Value index = arith::IndexCastOp::create(builder, loc, builder.getIndexType(), k);
    memref::StoreOp::create(builder, loc, value, buffer, ValueRange{index});
  });
  return buffer;
}

void ABIBuilder::freeUnpacked(Location loc, Value value) {
  auto type = cast<MemRefType>(value.getType());
  if (auto elementType = dyn_cast<MemRefType>(type.getElementType());
      elementType && isa<MemRefType>(elementType.getElementType())) {
    Value size = memref::DimOp::create(builder, loc, value, 0);
    Value count = arith::IndexCastOp::create(builder, loc, i64Type, size);
    buildLoop(loc, count, [&](Value k) {
      Value index = arith::IndexCastOp::create(builder, loc, builder.getIndexType(), k);
      freeUnpacked(loc, memref::LoadOp::create(builder, loc, value, ValueRange{index}));
    });
  }
  // The leaves are the caller's.
  memref::DeallocOp::create(builder, loc, value);
}

void ABIBuilder::packNested(Location loc, Value tensor, Value value, ArrayRef<int32_t> tags) {
  auto type = cast<MemRefType>(value.getType());
  Value size = memref::DimOp::create(builder, loc, value, 0);
  Value count = arith::IndexCastOp::create(builder, loc, i64Type, size);
  // sizeof(omc_tensor) * count, at least 1 byte so that data is never NULL.
  Value end = LLVM::GEPOp::create(builder, loc, ptrType, tensorType,
                                  LLVM::ZeroOp::create(builder, loc, ptrType),
                                  ArrayRef<LLVM::GEPArg>{count});
  Value bytes = LLVM::PtrToIntOp::create(builder, loc, i64Type, end);
  bytes = LLVM::UMaxOp::create(builder, loc, bytes, constI64(loc, 1));
  auto malloc = LLVM::lookupOrCreateMallocFn(builder, module, i64Type);
  Value elements = LLVM::CallOp::create(builder, loc, *malloc, ValueRange{bytes}).getResult();
  LLVM::StoreOp::create(builder, loc, elements, fieldAddress(loc, tensor, 0, kData));
  LLVM::StoreOp::create(builder, loc, elements, fieldAddress(loc, tensor, 0, kAllocation));
  LLVM::StoreOp::create(builder, loc, constI32(loc, tags.front()),
                        fieldAddress(loc, tensor, 0, kElemType));
  LLVM::StoreOp::create(builder, loc, constI32(loc, 1), fieldAddress(loc, tensor, 0, kRank));
  LLVM::StoreOp::create(builder, loc, count, fieldAddress(loc, tensor, 0, kShape, 0));
  LLVM::StoreOp::create(builder, loc, constI64(loc, 1), fieldAddress(loc, tensor, 0, kStrides, 0));
  auto elementType = cast<MemRefType>(type.getElementType());
  buildLoop(loc, count, [&](Value k) {
    Value element = LLVM::GEPOp::create(builder, loc, ptrType, tensorType, elements,
                                        ArrayRef<LLVM::GEPArg>{k});
    Value index = arith::IndexCastOp::create(builder, loc, builder.getIndexType(), k);
    Value held = memref::LoadOp::create(builder, loc, value, ValueRange{index});
    if (isa<MemRefType>(elementType.getElementType()))
      packNested(loc, element, held, tags.drop_front());
    else
      packOutput(loc, element, 0, held, tags.back());
  });
  // The elements now belong to the omc_tensors; only the buffer that held them goes.
  memref::DeallocOp::create(builder, loc, value);
}

void ABIBuilder::buildStringGetter(Location loc, StringRef function, StringRef text) {
  builder.setInsertionPointToEnd(module.getBody());
  std::string data = text.str();
  data.push_back('\0');
  auto arrayType = LLVM::LLVMArrayType::get(builder.getI8Type(), data.size());
  auto global = LLVM::GlobalOp::create(builder, loc, arrayType, /*isConstant=*/true,
                                       LLVM::Linkage::Internal, (function + "_text").str(),
                                       builder.getStringAttr(data));
  auto getter = LLVM::LLVMFuncOp::create(builder, loc, function,
                                         LLVM::LLVMFunctionType::get(ptrType, {}));
  builder.setInsertionPointToStart(getter.addEntryBlock(builder));
  Value address = LLVM::AddressOfOp::create(builder, loc, global);
  LLVM::ReturnOp::create(builder, loc, address);
}

LogicalResult ABIBuilder::build(krnl::EntryPointOp entry) {
  Location loc = entry.getLoc();
  auto func = module.lookupSymbol<func::FuncOp>(entry.getFunc());
  if (!func)
    return entry.emitOpError() << "names no function";
  FunctionType funcType = func.getFunctionType();
  // A graph that checks values while it runs takes a status buffer last
  // (onnx_to_krnl/RunTimeErrors.h): not an input of the ABI.
  auto errorMessages = func->getAttrOfType<ArrayAttr>("omc.error_messages");
  unsigned numInputs = funcType.getNumInputs() - (errorMessages ? 1 : 0);
  for (Type type : llvm::concat<const Type>(funcType.getInputs(), funcType.getResults())) {
    auto memref = dyn_cast<MemRefType>(type);
    // Down to the leaf of a buffer of buffers.
    while (memref && isa<MemRefType>(memref.getElementType()) && memref.getRank() == 1 &&
           memref.getLayout().isIdentity())
      memref = cast<MemRefType>(memref.getElementType());
    if (!memref || !memref.getLayout().isIdentity() || memref.getRank() > kMaxRank)
      return entry.emitOpError() << "cannot export " << type << " through the model ABI";
  }

  // int32_t omc_run_NAME(const omc_tensor *in, int64_t n_in, omc_tensor *out, int64_t n_out)
  builder.setInsertionPointToEnd(module.getBody());
  std::string name = entry.getName().str();
  auto wrapper = func::FuncOp::create(
      builder, loc, symbol("run_" + name),
      builder.getFunctionType({ptrType, i64Type, ptrType, i64Type}, {i32Type}));
  Block *entryBlock = wrapper.addEntryBlock();
  Block *runBlock = wrapper.addBlock();
  Block *badCountBlock = wrapper.addBlock();
  Value inputs = entryBlock->getArgument(0), numInputsArg = entryBlock->getArgument(1);
  Value outputs = entryBlock->getArgument(2), numOutputs = entryBlock->getArgument(3);

  // A wrong count is the caller's mistake; say so with status 1 rather than read
  // past its arrays.
  builder.setInsertionPointToStart(entryBlock);
  Value inputsOk = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, numInputsArg,
                                        constI64(loc, numInputs));
  Value outputsOk = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, numOutputs,
                                         constI64(loc, funcType.getNumResults()));
  Value countsOk = LLVM::AndOp::create(builder, loc, inputsOk, outputsOk);
  cf::CondBranchOp::create(builder, loc, countsOk, runBlock, badCountBlock);

  builder.setInsertionPointToStart(badCountBlock);
  func::ReturnOp::create(builder, loc, constI32(loc, 1));

  builder.setInsertionPointToStart(runBlock);
  // The buffers are signless; the signature has the ONNX element types (uint8, ...).
  SmallVector<SmallVector<int32_t>> tags;
  if (failed(signatureTags(entry, entry.getSignatureOut(), tags)) ||
      tags.size() != funcType.getNumResults())
    return entry.emitOpError() << "output signature does not match the function's results";
  for (auto [i, result] : llvm::enumerate(funcType.getResults()))
    if (tags[i].size() != nestingDepth(cast<MemRefType>(result)) + 1)
      return entry.emitOpError() << "output signature does not match the function's results";
  SmallVector<Value> args;
  for (auto [i, type] : llvm::enumerate(funcType.getInputs().take_front(numInputs))) {
    auto memref = cast<MemRefType>(type);
    if (isa<MemRefType>(memref.getElementType())) {
      Value tensor = LLVM::GEPOp::create(builder, loc, ptrType, tensorType, inputs,
                                         ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
      args.push_back(unpackNested(loc, tensor, memref));
      unpacked.push_back(args.back());
    } else {
      args.push_back(unpackInput(loc, inputs, i, memref));
    }
  }
  Value status;
  if (errorMessages) {
    status = LLVM::AllocaOp::create(builder, loc, ptrType, i32Type, constI64(loc, 1));
    LLVM::StoreOp::create(builder, loc, constI32(loc, 0), status);
    Type descType = descriptorType(MemRefType::get({}, i32Type));
    Value desc = LLVM::UndefOp::create(builder, loc, descType);
    desc = LLVM::InsertValueOp::create(builder, loc, desc, status, ArrayRef<int64_t>{0});
    desc = LLVM::InsertValueOp::create(builder, loc, desc, status, ArrayRef<int64_t>{1});
    desc = LLVM::InsertValueOp::create(builder, loc, desc, constI64(loc, 0), ArrayRef<int64_t>{2});
    args.push_back(UnrealizedConversionCastOp::create(builder, loc, funcType.getInputs().back(),
                                                      desc)
                       .getResult(0));
  }
  auto call = func::CallOp::create(builder, loc, func, args);
  for (Value value : unpacked)
    freeUnpacked(loc, value);
  unpacked.clear();
  for (auto [i, result] : llvm::enumerate(call.getResults())) {
    if (isa<MemRefType>(cast<MemRefType>(result.getType()).getElementType())) {
      Value tensor = LLVM::GEPOp::create(builder, loc, ptrType, tensorType, outputs,
                                         ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
      packNested(loc, tensor, result, tags[i]);
    } else {
      packOutput(loc, outputs, i, result, tags[i].front());
    }
  }
  if (!errorMessages) {
    func::ReturnOp::create(builder, loc, constI32(loc, 0));
  } else {
    // Error site k stored k (>= 1): the run returns k + 1, after the outputs are packed.
    Value code = LLVM::LoadOp::create(builder, loc, i32Type, status);
    Value ok = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, code,
                                    constI32(loc, 0));
    Value failed = LLVM::AddOp::create(builder, loc, code, constI32(loc, 1));
    func::ReturnOp::create(builder, loc,
                           LLVM::SelectOp::create(builder, loc, ok, constI32(loc, 0), failed)
                               .getResult());
    llvm::json::Array messages;
    for (Attribute message : errorMessages)
      messages.push_back(cast<StringAttr>(message).getValue().str());
    std::string json;
    llvm::raw_string_ostream os(json);
    os << llvm::json::Value(std::move(messages));
    buildStringGetter(loc, symbol("errors_" + name), json);
  }

  buildStringGetter(loc, symbol("signature_in_" + name), entry.getSignatureIn());
  buildStringGetter(loc, symbol("signature_out_" + name), entry.getSignatureOut());
  return success();
}

void ABIBuilder::buildEntryPointList(ArrayRef<std::string> names) {
  Location loc = module.getLoc();
  std::string json = "[";
  for (auto [i, name] : llvm::enumerate(names))
    json += (i ? ",\"" : "\"") + name + "\"";
  json += "]";
  buildStringGetter(loc, symbol("entry_points"), json);

  builder.setInsertionPointToEnd(module.getBody());
  auto version = LLVM::LLVMFuncOp::create(builder, loc, symbol("abi_version"),
                                          LLVM::LLVMFunctionType::get(i64Type, {}));
  builder.setInsertionPointToStart(version.addEntryBlock(builder));
  LLVM::ReturnOp::create(builder, loc, constI64(loc, kAbiVersion));

  // The CPU features the runtime must find before it runs any of the code.
  auto target = module->getAttrOfType<DictionaryAttr>("omc.target");
  auto features = target ? target.getAs<StringAttr>("host_features") : StringAttr();
  if (features && !features.getValue().empty())
    buildStringGetter(loc, symbol("cpu_features"), features.getValue());
}

} // namespace

bool isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

LogicalResult generateEntryPointABI(ModuleOp module) {
  StringRef prefix = kDefaultSymbolPrefix;
  if (Attribute attr = module->getAttr(kSymbolPrefixAttr)) {
    auto name = dyn_cast<StringAttr>(attr);
    if (!name || !isCIdentifier(name.getValue()))
      return module.emitError() << kSymbolPrefixAttr << " must be a C identifier, got " << attr;
    prefix = name.getValue();
  }
  SmallVector<krnl::EntryPointOp> entries(module.getOps<krnl::EntryPointOp>());
  if (entries.empty())
    return success();
  ABIBuilder abi(module, prefix);
  SmallVector<std::string> names;
  for (krnl::EntryPointOp entry : entries) {
    if (failed(abi.build(entry)))
      return failure();
    names.push_back(entry.getName().str());
    // The graph function itself is only reached through its wrapper.
    if (auto func = module.lookupSymbol<func::FuncOp>(entry.getFunc()))
      func.setPrivate();
    entry.erase();
  }
  abi.buildEntryPointList(names);
  return success();
}

} // namespace omc
