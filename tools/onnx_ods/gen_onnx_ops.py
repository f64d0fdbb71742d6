#!/usr/bin/python3
"""Generates the ODS of every ONNX operator from the schemas that python3-onnx ships.

    /usr/bin/python3 tools/onnx_ods/gen_onnx_ops.py [--max-opset 17] [-o FILE]

writes compiler/dialect/onnx/ONNXOps.gen.td (checked in). Moving omc to a new opset is one
run of this script with a newer onnx and a larger --max-opset.

For each operator of the default domain (and of ai.onnx.preview.training, whose ops the
backend tests use) it takes the newest schema at or below --max-opset that is not deprecated,
and writes one op:

  * operands and results in schema order, named as in the schema. An optional input or
    output is always present, as `none` (onnx.NoValue) when the model leaves it out, so
    operand positions are the schema's. A variadic one is `Variadic<...>`.
  * the type constraint of each as an ODS type constraint (tensor element types, sequences,
    optionals), and a trait that makes the members of one constraint (T, T1, ...) agree on
    their element type, as the schema demands.
  * attributes with their ONNX types (INT -> si64, FLOAT -> f32, STRING, INTS, FLOATS,
    STRINGS, TENSOR -> elements) and defaults; a required attribute is required.
  * GRAPH attributes (If, Loop, Scan, SequenceMap bodies) as single-block regions ending in
    onnx.Yield.

What ONNX does not say (custom verifiers, folders, canonicalization patterns, hand-written
shape inference) is listed in CUSTOM below and implemented in C++ beside the dialect.
"""

import argparse
import os
import re
import sys

from onnx import defs

# Hooks implemented by hand in compiler/dialect/onnx/*.cpp, per op.
#   verifier: a verify() beyond what the schema says (shapes, attribute values)
#   folder:   fold() (constant folding, identities)
#   canon:    getCanonicalizationPatterns()
#   shape:    inferShapes() of ShapeInferenceOpInterface
CUSTOM = {
    "Add": {"verifier", "folder"},
    "Sub": {"verifier", "folder"},
    "Mul": {"verifier", "folder"},
    "Div": {"verifier", "folder"},
    "Equal": {"folder"},
    "Less": {"folder"},
    "Greater": {"folder"},
    "Where": {"folder"},
    "Identity": {"folder"},
    "Cast": {"folder"},
    "MatMul": {"verifier", "shape"},
    "Gemm": {"verifier", "shape"},
    "Shape": {"folder", "shape", "canon"},
    "Size": {"folder"},
    "Gather": {"folder", "shape"},
    "Unsqueeze": {"folder", "shape"},
    "Squeeze": {"folder", "shape"},
    "Concat": {"folder", "shape"},
    "Slice": {"folder", "shape"},
    "Reshape": {"folder", "shape"},
    "Expand": {"folder", "shape"},
    "Transpose": {"folder", "shape"},
    "ConstantOfShape": {"folder", "shape"},
    "Range": {"folder", "shape"},
    "Split": {"shape"},
    "ReduceMean": {"shape"},
    "ReduceSum": {"shape"},
    "Dropout": {"canon"},
}
# Elementwise float functions folded on small constants (Folders.cpp).
for _name in ("Abs", "Ceil", "Cos", "Erf", "Exp", "Floor", "Log", "Neg", "Reciprocal", "Relu",
              "Sigmoid", "Sin", "Sqrt", "Tanh"):
    CUSTOM.setdefault(_name, set()).add("folder")

# Result 0 has the shape of operand 0 (the shape inference pass handles these).
SAME_SHAPE_AS_INPUT = {
    "Abs", "Acos", "Acosh", "Asin", "Asinh", "Atan", "Atanh", "BatchNormalization",
    "Bernoulli", "Cast", "CastLike", "Ceil", "Celu", "Clip", "Cos", "Cosh", "CumSum", "Dropout",
    "Elu", "Erf", "Exp", "Floor", "Hardmax", "HardSigmoid", "HardSwish", "Identity",
    "InstanceNormalization", "IsInf", "IsNaN", "LayerNormalization", "LeakyRelu", "Log",
    "LogSoftmax", "LpNormalization", "MeanVarianceNormalization", "Neg", "Not", "PRelu",
    "Reciprocal", "Relu", "Round", "Selu", "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Softmax",
    "Softplus", "Softsign", "Sqrt", "Tan", "Tanh", "ThresholdedRelu", "Trilu",
}

# Result 0 is the numpy broadcast of the operands.
BROADCASTING = {
    "Add", "And", "BitShift", "Div", "Equal", "Greater", "GreaterOrEqual", "Less",
    "LessOrEqual", "Max", "Mean", "Min", "Mod", "Mul", "Or", "Pow", "Sub", "Sum",
    "Where", "Xor",
}

# Written by hand in ONNXOps.td: Constant keeps one normalized form (`value`) of its many
# attribute spellings.
HAND_WRITTEN = {"Constant"}

# Domains generated, with the prefix their ops get after `onnx.`.
DOMAINS = {"": "", "ai.onnx.preview.training": "training."}

ELEMENT_TYPES = {
    "float": "F32", "double": "F64", "float16": "F16", "bfloat16": "BF16",
    "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64",
    "uint8": "UI8", "uint16": "UI16", "uint32": "UI32", "uint64": "UI64",
    "bool": "I1", "string": "ONNX_String",
    "complex64": "Complex<F32>", "complex128": "Complex<F64>",
}
ELEMENT_ORDER = list(ELEMENT_TYPES)

A = defs.OpSchema.AttrType


def fail(message):
    print(f"gen_onnx_ops: error: {message}", file=sys.stderr)
    sys.exit(1)


def pick_schemas(max_opset):
    """The newest non-deprecated schema <= max_opset of every op, keyed by (domain, name)."""
    chosen = {}
    for schema in defs.get_all_schemas_with_history():
        if schema.domain not in DOMAINS or schema.deprecated:
            continue
        if schema.domain == "" and schema.since_version > max_opset:
            continue
        key = (schema.domain, schema.name)
        if key not in chosen or chosen[key].since_version < schema.since_version:
            chosen[key] = schema
    return chosen


def split_type(type_str):
    """'seq(tensor(float))' -> ['seq', 'tensor', 'float']."""
    parts = re.split(r"[()]", type_str)
    return [p for p in parts if p]


def element_list(elements):
    ordered = sorted(set(elements), key=ELEMENT_ORDER.index)
    return "[" + ", ".join(ELEMENT_TYPES[e] for e in ordered) + "]"


def type_constraint(type_strs, where):
    """The ODS type constraint accepting every ONNX type string in TYPE_STRS."""
    groups = {}  # container path (e.g. ('seq', 'tensor')) -> element types
    for type_str in type_strs:
        parts = split_type(type_str)
        if parts[-1] not in ELEMENT_TYPES:
            fail(f"{where}: unknown element type in {type_str}")
        groups.setdefault(tuple(parts[:-1]), []).append(parts[-1])
    alternatives = []
    for path in sorted(groups, key=lambda p: (len(p), p)):
        elements = element_list(groups[path])
        if path == ("tensor",):
            alternatives.append(f"TensorOf<{elements}>")
        elif path == ("seq", "tensor"):
            alternatives.append(f"ONNX_SeqOf<{elements}>")
        elif path == ("optional", "tensor"):
            alternatives.append(f"ONNX_OptOf<TensorOf<{elements}>>")
        elif path == ("optional", "seq", "tensor"):
            alternatives.append(f"ONNX_OptOf<ONNX_SeqOf<{elements}>>")
        else:
            fail(f"{where}: unsupported type {'('.join(path)}")
    if len(alternatives) == 1:
        return alternatives[0]
    return "AnyTypeOf<[" + ", ".join(alternatives) + "]>"


def formal_type(schema, formal):
    where = f"{schema.name}.{formal.name}"
    constraints = {c.type_param_str: c.allowed_type_strs for c in schema.type_constraints}
    type_strs = constraints.get(formal.typeStr, [formal.typeStr])
    constraint = type_constraint(type_strs, where)
    option = formal.option
    if option == defs.OpSchema.FormalParameterOption.Optional:
        return f"ONNX_Optional<{constraint}>"
    if option == defs.OpSchema.FormalParameterOption.Variadic:
        return f"Variadic<{constraint}>"
    return constraint


def cpp_float(value):
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        fail(f"cannot write the float default {text}")
    return text


def cpp_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def td_string(text):
    """TEXT as a TableGen string literal (C++ code with quotes in it stays intact)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def attribute_argument(schema, name, attr):
    """`Type:$name` for one attribute, or None when the op does not keep it."""
    where = f"{schema.name}.{name}"
    default = attr.default_value if attr.default_value.name else None
    kind = attr.type
    if kind == A.TYPE_PROTO:
        return None  # the result type carries it (Optional's `type`)
    if kind == A.INT:
        base, value = "SI64Attr", default and str(default.i)
    elif kind == A.FLOAT:
        base, value = "F32Attr", default and cpp_float(default.f)
    elif kind == A.STRING:
        if default:
            return f"DefaultValuedStrAttr<StrAttr, {cpp_string(default.s.decode())}>:${name}"
        base, value = "StrAttr", None
    elif kind == A.INTS:
        base, value = "I64ArrayAttr", default and "{" + ", ".join(str(i) for i in default.ints) + "}"
    elif kind == A.FLOATS:
        base, value = "F32ArrayAttr", default and "{" + ", ".join(cpp_float(f) for f in default.floats) + "}"
    elif kind == A.STRINGS:
        base = "StrArrayAttr"
        value = default and "{" + ", ".join(cpp_string(s.decode()) for s in default.strings) + "}"
    elif kind == A.TENSOR:
        base, value = "ElementsAttr", None
        if default:
            fail(f"{where}: tensor attribute defaults are not supported")
    else:
        fail(f"{where}: unsupported attribute type {kind}")
    if value is not None:
        return f"DefaultValuedAttr<{base}, {td_string(value)}>:${name}"
    if attr.required:
        return f"{base}:${name}"
    return f"OptionalAttr<{base}>:${name}"


def type_groups(schema):
    """Operand/result positions per type parameter, for the same-element-type trait.

    Operands count from 0, results from -1 down (result r is -(r + 1)). A heterogeneous
    variadic (Loop's carried values, If's outputs) has no common element type and is left out.
    """
    groups = {}
    params = {c.type_param_str for c in schema.type_constraints}
    for index, formal in enumerate(schema.inputs):
        if formal.typeStr in params and formal.isHomogeneous:
            groups.setdefault(formal.typeStr, []).append(index)
    for index, formal in enumerate(schema.outputs):
        if formal.typeStr in params and formal.isHomogeneous:
            groups.setdefault(formal.typeStr, []).append(-(index + 1))
    return {p: members for p, members in groups.items() if len(members) > 1}


def first_paragraph(doc):
    doc = (doc or "").strip()
    paragraph = doc.split("\n\n")[0]
    paragraph = " ".join(line.strip() for line in paragraph.splitlines())
    paragraph = paragraph.replace("[{", "[ {").replace("}]", "} ]")
    if len(paragraph) > 600:
        paragraph = paragraph[:600].rsplit(" ", 1)[0] + " ..."
    return paragraph


def wrap(text, indent, width=96):
    lines, line = [], indent
    for word in text.split():
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += word + " "
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def operand_list(field, kind, entries):
    if not entries:
        return f"  let {field} = ({kind});"
    return f"  let {field} = ({kind}\n" + ",\n".join("    " + e for e in entries) + ");"


def op_record(schema):
    prefix = DOMAINS[schema.domain]
    mnemonic = prefix + schema.name
    def_name = "ONNX_" + ("Training" if prefix else "") + schema.name + "Op"
    custom = CUSTOM.get(schema.name, set()) if not prefix else set()

    graph_attrs = [n for n, a in sorted(schema.attributes.items()) if a.type == A.GRAPH]
    traits = []
    if graph_attrs:
        traits.append("RecursiveMemoryEffects")
    elif "seed" not in schema.attributes:  # random ops must not be CSE'd or hoisted
        traits.append("Pure")
    for param, members in sorted(type_groups(schema).items()):
        traits.append(f'ONNX_SameElementType<"{", ".join(str(m) for m in members)}">')
    if "shape" in custom:
        traits.append("DeclareOpInterfaceMethods<ShapeInferenceOpInterface>")
    if not prefix and schema.name in SAME_SHAPE_AS_INPUT:
        traits.append("ONNX_SameShapeAsInput")
    if not prefix and schema.name in BROADCASTING:
        traits.append("ONNX_BroadcastingResult")
    for index, formal in enumerate(schema.inputs):
        # The schema gives the least input count; what of it falls on the variadic is its minimum.
        min_arity = schema.min_input - index
        if formal.option == defs.OpSchema.FormalParameterOption.Variadic and min_arity > 0:
            traits.append(f'ONNX_MinVariadicOperands<"{index}, {min_arity}">')

    args = [f"{formal_type(schema, f)}:${f.name}" for f in schema.inputs]
    for name, attr in sorted(schema.attributes.items()):
        if attr.type == A.GRAPH:
            continue
        arg = attribute_argument(schema, name, attr)
        if arg:
            args.append(arg)
    results = [f"{formal_type(schema, f)}:${f.name}" for f in schema.outputs]

    domain = schema.domain or "ai.onnx"
    out = [f"def {def_name} : ONNX_Op<\"{mnemonic}\", ["]
    out[-1] += ", ".join(traits) + "]> {"
    out.append(f'  let summary = "ONNX {schema.name}, {domain} opset {schema.since_version}";')
    description = first_paragraph(schema.doc)
    if description:
        out.append("  let description = [{")
        out.append(wrap(description, "    "))
        out.append("  }];")
    out.append(operand_list("arguments", "ins", args))
    out.append(operand_list("results", "outs", results))
    if graph_attrs:
        regions = ", ".join(f"SizedRegion<1>:${n}" for n in graph_attrs)
        out.append(f"  let regions = (region {regions});")
    else:
        out.append('  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";')
    if "verifier" in custom:
        out.append("  let hasVerifier = 1;")
    if "folder" in custom:
        out.append("  let hasFolder = 1;")
    if "canon" in custom:
        out.append("  let hasCanonicalizer = 1;")
    out.append("}")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-opset", type=int, default=17)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("-o", "--output",
                        default=os.path.join(root, "compiler/dialect/onnx/ONNXOps.gen.td"))
    args = parser.parse_args()

    schemas = pick_schemas(args.max_opset)
    unknown = (set(CUSTOM) | SAME_SHAPE_AS_INPUT | BROADCASTING) - {name for _, name in schemas}
    if unknown:
        fail(f"CUSTOM or the shape lists name ops that have no schema: {sorted(unknown)}")
    import onnx
    records = [op_record(s) for key, s in sorted(schemas.items()) if s.name not in HAND_WRITTEN
               or s.domain != ""]
    header = f"""//===- ONNXOps.gen.td - every ONNX operator (generated) ----------*- tablegen -*-===//
//
// GENERATED by tools/onnx_ods/gen_onnx_ops.py from the schemas of onnx {onnx.__version__},
// opsets up to {args.max_opset}. Do not edit: change the generator and rerun it.
// {len(records)} ops.
//
//===----------------------------------------------------------------------===//

#ifndef OMC_ONNX_OPS_GEN
#define OMC_ONNX_OPS_GEN
"""
    with open(args.output, "w") as f:
        f.write(header + "\n" + "\n\n".join(records) + "\n\n#endif // OMC_ONNX_OPS_GEN\n")
    print(f"gen_onnx_ops: wrote {len(records)} ops to {args.output}")


if __name__ == "__main__":
    main()
