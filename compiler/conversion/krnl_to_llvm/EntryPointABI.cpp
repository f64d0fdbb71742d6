//===- EntryPointABI.cpp - krnl.entry_point -> the C functions of the model ABI ===//
//
// The layout of omc_tensor (runtime/include/omc/model_abi.h) is mirrored here as
// an LLVM struct; a memref descriptor is {allocated, aligned, offset, sizes[R],
// strides[R]}. Keep the two in step with OMC_MAX_RANK and the field order.
//
//===----------------------------------------------------------------------===//

#include "compiler/conversion/krnl_to_llvm/EntryPointABI.h"

#include "compiler/dialect/krnl/KrnlOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "llvm/Support/JSON.h"

using namespace mlir;

namespace omc {
namespace {

constexpr int64_t kMaxRank = 16; // OMC_MAX_RANK
constexpr int64_t kAbiVersion = 1; // OMC_ABI_VERSION
enum TensorField { kData = 0, kAllocation, kElemType, kRank, kShape, kStrides };


// The "elem_type" of every tensor of a signature JSON (see runtime/include/omc/model_abi.h).
LogicalResult signatureElementTypes(Operation *op, StringRef signature,
                                    SmallVectorImpl<int32_t> &elemTypes) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(signature);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return op->emitOpError() << "has a malformed signature";
  }
  const llvm::json::Array *tensors = parsed->getAsArray();
  if (!tensors)
    return op->emitOpError() << "has a signature that is not an array";
  for (const llvm::json::Value &tensor : *tensors) {
    const llvm::json::Object *object = tensor.getAsObject();
    std::optional<int64_t> elemType = object ? object->getInteger("elem_type") : std::nullopt;
    if (!elemType)
      return op->emitOpError() << "has a signature entry without elem_type";
    elemTypes.push_back(static_cast<int32_t>(*elemType));
  }
  return success();
}

class ABIBuilder {
public:
  ABIBuilder(ModuleOp module)
      : module(module), context(module.getContext()), builder(context),
        ptrType(LLVM::LLVMPointerType::get(context)), i32Type(builder.getI32Type()),
        i64Type(builder.getI64Type()) {
    auto dims = LLVM::LLVMArrayType::get(i64Type, kMaxRank);
    tensorType = LLVM::LLVMStructType::getLiteral(
        context, {ptrType, ptrType, i32Type, i32Type, dims, dims});
  }

  LogicalResult build(krnl::EntryPointOp entry);
  void buildEntryPointList(ArrayRef<std::string> names);

private:
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
  void buildStringGetter(Location loc, StringRef function, StringRef text);

  ModuleOp module;
  MLIRContext *context;
  OpBuilder builder;
  Type ptrType, i32Type, i64Type, tensorType;
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
    if (!memref || !memref.getLayout().isIdentity() || memref.getRank() > kMaxRank)
      return entry.emitOpError() << "cannot export " << type << " through the model ABI";
  }

  // int32_t omc_run_NAME(const omc_tensor *in, int64_t n_in, omc_tensor *out, int64_t n_out)
  builder.setInsertionPointToEnd(module.getBody());
  std::string name = entry.getName().str();
  auto wrapper = func::FuncOp::create(
      builder, loc, "omc_run_" + name,
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
  SmallVector<Value> args;
  for (auto [i, type] : llvm::enumerate(funcType.getInputs().take_front(numInputs)))
    args.push_back(unpackInput(loc, inputs, i, cast<MemRefType>(type)));
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
  // The buffers are signless; the signature has the ONNX element types (uint8, ...).
  SmallVector<int32_t> elemTypes;
  if (failed(signatureElementTypes(entry, entry.getSignatureOut(), elemTypes)) ||
      elemTypes.size() != call.getNumResults())
    return entry.emitOpError() << "output signature does not match the function's results";
  for (auto [i, result] : llvm::enumerate(call.getResults()))
    packOutput(loc, outputs, i, result, elemTypes[i]);
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
    buildStringGetter(loc, "omc_errors_" + name, json);
  }

  buildStringGetter(loc, "omc_signature_in_" + name, entry.getSignatureIn());
  buildStringGetter(loc, "omc_signature_out_" + name, entry.getSignatureOut());
  return success();
}

void ABIBuilder::buildEntryPointList(ArrayRef<std::string> names) {
  Location loc = module.getLoc();
  std::string json = "[";
  for (auto [i, name] : llvm::enumerate(names))
    json += (i ? ",\"" : "\"") + name + "\"";
  json += "]";
  buildStringGetter(loc, "omc_entry_points", json);

  builder.setInsertionPointToEnd(module.getBody());
  auto version = LLVM::LLVMFuncOp::create(builder, loc, "omc_abi_version",
                                          LLVM::LLVMFunctionType::get(i64Type, {}));
  builder.setInsertionPointToStart(version.addEntryBlock(builder));
  LLVM::ReturnOp::create(builder, loc, constI64(loc, kAbiVersion));
}

} // namespace

LogicalResult generateEntryPointABI(ModuleOp module) {
  SmallVector<krnl::EntryPointOp> entries(module.getOps<krnl::EntryPointOp>());
  if (entries.empty())
    return success();
  ABIBuilder abi(module);
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
