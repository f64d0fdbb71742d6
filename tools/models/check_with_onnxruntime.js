#!/usr/bin/env node
// check_with_onnxruntime.js: loads an ONNX model in onnxruntime-node, runs it once and prints
// each output's type, shape and value range; with expected outputs, compares against them.
//
//   node tools/models/check_with_onnxruntime.js MODEL.onnx [options]
//
//   --test-data DIR     inputs DIR/input_K.pb and expected outputs DIR/output_K.pb (the layout
//                       of the ONNX backend test data sets and of the export scripts' --test-data)
//   --input FILE        an input (.pb TensorProto or .npy), in graph-input order; repeatable
//   --expected FILE     an expected output (.pb or .npy), in graph-output order; repeatable
//   --shape NAME=DIMS   shape for generated input NAME, e.g. input_ids=1x128 (symbolic dims: 1)
//   --seed N            seed for generated inputs (default 0); floats are uniform in [-1, 1),
//                       bools 0/1 and integers uniform in [0, --int-max N) (default 100)
//   --rtol X --atol X   comparison tolerances (default 1e-3 and 1e-4)
//   --repeat N          also time N runs after the first and print the median
//
// Inputs not given by file are generated. Exit status: 0 ok, 1 mismatch or failure, 2 bad usage.
// onnxruntime-node is looked up as a normal module, then in the repository's .deps/onnxruntime/
// (where tools/setup.sh installs it).
'use strict';

const fs = require('fs');
const path = require('path');

function usage(message) {
  console.error(`check_with_onnxruntime: error: ${message}`);
  console.error('usage: node check_with_onnxruntime.js MODEL.onnx [--test-data DIR] ' +
                '[--input FILE]... [--expected FILE]...\n' +
                '           [--shape NAME=DIMS]... [--seed N] [--int-max N] [--rtol X] ' +
                '[--atol X] [--repeat N]');
  process.exit(2);
}

function fail(message) {
  console.error(`check_with_onnxruntime: error: ${message}`);
  process.exit(1);
}

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    const local = path.join(__dirname, '..', '..', '.deps', 'onnxruntime', 'node_modules',
                            'onnxruntime-node');
    try {
      return require(local);
    } catch (e2) {
      fail(`cannot load onnxruntime-node (tried the module path and ${local}); run tools/setup.sh`);
    }
  }
}

// ---- Tensor files -------------------------------------------------------------------------------

// ONNX TensorProto data types -> [ort type, typed array constructor].
const ONNX_TYPES = {
  1: ['float32', Float32Array], 2: ['uint8', Uint8Array], 3: ['int8', Int8Array],
  4: ['uint16', Uint16Array], 5: ['int16', Int16Array], 6: ['int32', Int32Array],
  7: ['int64', BigInt64Array], 9: ['bool', Uint8Array], 10: ['float16', Uint16Array],
  11: ['float64', Float64Array], 12: ['uint32', Uint32Array], 13: ['uint64', BigUint64Array],
};
// numpy descr (without byte order) -> ONNX type code.
const NPY_TYPES = {
  f4: 1, u1: 2, i1: 3, u2: 4, i2: 5, i4: 6, i8: 7, b1: 9, f2: 10, f8: 11, u4: 12, u8: 13,
};

// Copies bytes into a fresh, aligned typed array (file buffers may be unaligned).
function typedFromBytes(Ctor, bytes) {
  const out = new Ctor(bytes.length / Ctor.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

// A minimal protobuf reader: enough for TensorProto's fields.
function readTensorProto(buf, file) {
  let pos = 0;
  const varint = () => {
    let result = 0n, shift = 0n;
    for (;;) {
      if (pos >= buf.length) fail(`${file}: truncated protobuf`);
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  const dims = [], ints = [], floats = [], doubles = [];
  let type = 0, raw = null, name = '';
  while (pos < buf.length) {
    const key = Number(varint()), field = key >> 3, wire = key & 7;
    if (wire === 0) {
      const v = varint();
      if (field === 1) dims.push(Number(BigInt.asIntN(64, v)));
      else if (field === 2) type = Number(v);
      else if (field === 5 || field === 7 || field === 11) ints.push(v);
    } else if (wire === 2) {
      const len = Number(varint()), body = buf.subarray(pos, pos + len);
      if (pos + len > buf.length) fail(`${file}: truncated protobuf`);
      pos += len;
      if (field === 9) raw = body;
      else if (field === 8) name = body.toString('utf8');
      else if (field === 4) floats.push(...typedFromBytes(Float32Array, body));
      else if (field === 10) doubles.push(...typedFromBytes(Float64Array, body));
      else if (field === 1 || field === 5 || field === 7 || field === 11) {  // packed varints
        const end = pos;
        pos -= len;
        while (pos < end) {
          const v = varint();
          if (field === 1) dims.push(Number(BigInt.asIntN(64, v)));
          else ints.push(v);
        }
      }
    } else if (wire === 5) {
      if (field === 4) floats.push(buf.readFloatLE(pos));
      pos += 4;
    } else if (wire === 1) {
      if (field === 10) doubles.push(buf.readDoubleLE(pos));
      pos += 8;
    } else {
      fail(`${file}: not a TensorProto (wire type ${wire})`);
    }
  }
  const entry = ONNX_TYPES[type];
  if (!entry) fail(`${file}: unsupported TensorProto data type ${type}`);
  const [ortType, Ctor] = entry;
  let data;
  if (raw) data = typedFromBytes(Ctor, raw);
  else if (type === 1) data = Float32Array.from(floats);
  else if (type === 11) data = Float64Array.from(doubles);
  else if (Ctor === BigInt64Array) data = BigInt64Array.from(ints, (v) => BigInt.asIntN(64, v));
  else if (Ctor === BigUint64Array) data = BigUint64Array.from(ints);
  else data = Ctor.from(ints, (v) => Number(BigInt.asIntN(32, v)));  // int32_data holds small types
  return {name, type: ortType, dims, data};
}

function readNpy(buf, file) {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') {
    fail(`${file}: not a .npy file`);
  }
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([<>|=])(\w+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape) fail(`${file}: cannot parse the .npy header ${header.trim()}`);
  if (/'fortran_order':\s*True/.test(header)) fail(`${file}: Fortran order is not supported`);
  if (descr[1] === '>') fail(`${file}: big-endian arrays are not supported`);
  const code = NPY_TYPES[descr[2]];
  if (!code) fail(`${file}: unsupported dtype ${descr[1]}${descr[2]}`);
  const [ortType, Ctor] = ONNX_TYPES[code];
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  return {name: '', type: ortType, dims, data: typedFromBytes(Ctor, buf.subarray(start))};
}

function readTensor(file) {
  let buf;
  try { buf = fs.readFileSync(file); } catch (e) { fail(`cannot read ${file}: ${e.message}`); }
  const t = file.endsWith('.npy') ? readNpy(buf, file) : readTensorProto(buf, file);
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) fail(`${file}: ${t.data.length} elements for shape [${t.dims}]`);
  return t;
}

// ---- Generated inputs ---------------------------------------------------------------------------

function rng(seed) {  // mulberry32: small, deterministic, the same on every machine
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(ort, meta, dims, random, intMax) {
  const length = dims.reduce((a, b) => a * b, 1);
  const fill = (Ctor, value) => Ctor.from({length}, value);
  const int = () => Math.floor(random() * intMax);
  const float = () => random() * 2 - 1;
  const bit = () => (random() < 0.5 ? 1 : 0);
  switch (meta.type) {
    case 'float32': return new ort.Tensor('float32', fill(Float32Array, float), dims);
    case 'float64': return new ort.Tensor('float64', fill(Float64Array, float), dims);
    case 'int64': return new ort.Tensor('int64', fill(BigInt64Array, () => BigInt(int())), dims);
    case 'int32': return new ort.Tensor('int32', fill(Int32Array, int), dims);
    case 'bool': return new ort.Tensor('bool', fill(Uint8Array, bit), dims);
    default: fail(`input ${meta.name}: cannot generate type ${meta.type}; give it with --input`);
  }
}

// ---- Main ---------------------------------------------------------------------------------------

// DIR/input_0.pb, DIR/input_1.pb, ... (or output_K.pb) in K order.
function numberedFiles(dir, kind) {
  const pattern = new RegExp(`^${kind}_(\\d+)\\.pb$`);
  return fs.readdirSync(dir)
      .filter((f) => pattern.test(f))
      .sort((x, y) => Number(pattern.exec(x)[1]) - Number(pattern.exec(y)[1]))
      .map((f) => path.join(dir, f));
}

function parseArgs(argv) {
  const o = {
    inputs: [], expected: [], shapes: {}, seed: 0, intMax: 100, rtol: 1e-3, atol: 1e-4, repeat: 0,
  };
  const number = (flag, v, integer) => {
    const n = Number(v);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0) {
      usage(`${flag} ${v}: needs a non-negative ${integer ? 'integer' : 'number'}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const take = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--test-data') o.testData = take();
    else if (a === '--input') o.inputs.push(take());
    else if (a === '--expected') o.expected.push(take());
    else if (a === '--shape') {
      const v = take(), m = /^([^=]+)=(\d+(x\d+)*)?$/.exec(v);
      if (!m) usage(`--shape ${v}: expected NAME=D0xD1x..., e.g. input_ids=1x128`);
      o.shapes[m[1]] = m[2] ? m[2].split('x').map(Number) : [];
    } else if (a === '--seed') o.seed = number(a, take(), true);
    else if (a === '--int-max') o.intMax = number(a, take(), true);
    else if (a === '--rtol') o.rtol = number(a, take());
    else if (a === '--atol') o.atol = number(a, take());
    else if (a === '--repeat') o.repeat = number(a, take(), true);
    else if (a === '--help' || a === '-h') usage('help requested');
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (o.model) usage(`more than one model: ${o.model} and ${a}`);
    else o.model = a;
  }
  if (!o.model) usage('no model given');
  if (o.testData) {
    if (!fs.existsSync(o.testData)) usage(`--test-data ${o.testData} does not exist`);
    o.inputs = numberedFiles(o.testData, 'input').concat(o.inputs);
    o.expected = numberedFiles(o.testData, 'output').concat(o.expected);
  }
  return o;
}

function summary(t) {
  let min = Infinity, max = -Infinity, sum = 0, nan = 0;
  for (const x of t.data) {
    const v = Number(x);
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / (t.data.length - nan);
  return `min ${min.toPrecision(5)} max ${max.toPrecision(5)} mean ${mean.toPrecision(5)}` +
         (nan ? ` NaN ${nan}` : '');
}

// Elementwise |got - want| <= atol + rtol * |want| (NaN matches NaN, an infinity the same
// infinity); returns an error or null.
function compare(name, got, want, rtol, atol) {
  if (got.dims.join('x') !== want.dims.join('x')) {
    return `${name}: shape [${got.dims}], expected [${want.dims}]`;
  }
  if (got.type !== want.type) return `${name}: type ${got.type}, expected ${want.type}`;
  let worst = 0, scale = 0, bad = 0, first = -1;
  for (let i = 0; i < want.data.length; i++) {
    const g = Number(got.data[i]), w = Number(want.data[i]);
    if (Number.isNaN(g) && Number.isNaN(w)) continue;
    if (g === w && !Number.isFinite(w)) continue;
    const diff = Math.abs(g - w);
    scale = Math.max(scale, Math.abs(w));
    worst = Number.isNaN(diff) || Number.isNaN(worst) ? NaN : Math.max(worst, diff);
    if (!(diff <= atol + rtol * Math.abs(w))) {
      bad++;
      if (first < 0) first = i;
    }
  }
  console.log(`  ${name}: max |diff| ${worst.toExponential(3)} (max |expected| ` +
              `${scale.toPrecision(4)}), ${bad} of ${want.data.length} outside rtol ${rtol} ` +
              `atol ${atol}`);
  if (!bad) return null;
  return `${name}: ${bad} elements differ, first at ${first}: got ${got.data[first]}, ` +
         `expected ${want.data[first]}`;
}

const seconds = (start) => ((Date.now() - start) / 1000).toFixed(3);

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.model)) fail(`${o.model} does not exist`);
  const ort = loadOrt();
  let start = Date.now();
  let session;
  try {
    session = await ort.InferenceSession.create(o.model);
  } catch (e) {
    fail(`onnxruntime cannot load ${o.model}: ${e.message}`);
  }
  console.log(`loaded ${o.model} in ${seconds(start)} s`);

  const metas = session.inputMetadata;
  if (o.inputs.length > metas.length) {
    fail(`${o.inputs.length} input files for ${metas.length} graph inputs`);
  }
  for (const name of Object.keys(o.shapes)) {
    if (!metas.some((m) => m.name === name)) usage(`--shape ${name}: the model has no such input`);
  }
  const random = rng(o.seed);
  const feeds = {};
  metas.forEach((meta, k) => {
    let tensor, from;
    if (k < o.inputs.length) {
      const t = readTensor(o.inputs[k]);
      tensor = new ort.Tensor(t.type, t.data, t.dims);
      from = o.inputs[k];
    } else {
      // Symbolic or unknown dimensions are 1 unless --shape says otherwise.
      const dims = o.shapes[meta.name] ||
                   meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
      tensor = generate(ort, meta, dims, random, o.intMax);
      from = `generated, seed ${o.seed}`;
    }
    feeds[meta.name] = tensor;
    console.log(`input  ${meta.name}: ${tensor.type} [${tensor.dims}] (model: ${meta.type} ` +
                `[${meta.shape}]; ${from})`);
  });

  start = Date.now();
  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(`onnxruntime failed to run ${o.model}: ${e.message}`);
  }
  console.log(`ran in ${seconds(start)} s`);
  for (const name of session.outputNames) {
    const t = results[name];
    console.log(`output ${name}: ${t.type} [${t.dims}] ${summary(t)}`);
  }

  if (o.repeat > 0) {
    const times = [];
    for (let i = 0; i < o.repeat; i++) {
      const s = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1];
    console.log(`latency_ms median=${median.toFixed(3)} min=${times[0].toFixed(3)}`);
  }

  if (o.expected.length) {
    const names = session.outputNames;
    if (o.expected.length > names.length) {
      fail(`${o.expected.length} expected outputs for ${names.length} graph outputs`);
    }
    console.log('comparing with expected outputs:');
    const errors = o.expected
        .map((file, k) => compare(names[k], results[names[k]], readTensor(file), o.rtol, o.atol))
        .filter((e) => e);
    if (errors.length) fail(errors.join('; '));
    console.log('match');
  }
}

// Run as a script; other scripts `require` it for loadOrt.
if (require.main === module) main().catch((e) => fail(e.stack || String(e)));
module.exports = {loadOrt};
