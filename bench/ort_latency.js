#!/usr/bin/env node
// ort_latency.js: the onnxruntime side of bench/compare.py. Loads a model in onnxruntime-node
// with a given thread count, runs it once to warm up, then times --repeat runs on the same
// inputs and prints what //tools:run --repeat prints: "latency_ms median=X min=Y".
//
//   node bench/ort_latency.js MODEL.onnx --threads N --repeat N [--input FILE.npy]...
//
// Inputs are .npy files in graph-input order (compare.py writes the ones omc gets too).
// onnxruntime-node is looked up as a normal module (NODE_PATH), then in .deps/onnxruntime/.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(message) {
  console.error(`ort_latency: error: ${message}`);
  process.exit(1);
}

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    const local = path.join(__dirname, '..', '.deps', 'onnxruntime', 'node_modules',
                            'onnxruntime-node');
    try {
      return require(local);
    } catch (e2) {
      fail(`cannot load onnxruntime-node (tried NODE_PATH and ${local}); run tools/setup.sh`);
    }
  }
}

// numpy descr (without byte order) -> [ort type, typed array constructor].
const NPY_TYPES = {
  f4: ['float32', Float32Array], f8: ['float64', Float64Array], i4: ['int32', Int32Array],
  i8: ['int64', BigInt64Array], u1: ['uint8', Uint8Array], i1: ['int8', Int8Array],
  b1: ['bool', Uint8Array],
};

// A C-ordered little-endian .npy file as an ort.Tensor.
function readNpy(ort, file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') fail(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([<|=])(\w+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header))
    fail(`${file}: unsupported .npy header ${header.trim()}`);
  const type = NPY_TYPES[descr[2]];
  if (!type) fail(`${file}: unsupported element type ${descr[2]}`);
  const dims = shape[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const bytes = buf.subarray(start);
  const data = new type[1](bytes.length / type[1].BYTES_PER_ELEMENT);
  new Uint8Array(data.buffer).set(bytes);
  return new ort.Tensor(type[0], data, dims);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const argv = process.argv.slice(2);
  const o = {inputs: [], threads: 1, repeat: 1};
  for (let i = 0; i < argv.length; ++i) {
    const flag = argv[i];
    if (flag === '--input') o.inputs.push(argv[++i]);
    else if (flag === '--threads') o.threads = Number(argv[++i]);
    else if (flag === '--repeat') o.repeat = Number(argv[++i]);
    else if (!flag.startsWith('--') && !o.model) o.model = flag;
    else fail(`unknown argument ${flag}`);
  }
  if (!o.model) fail('no model given');
  if (!(o.threads >= 1) || !(o.repeat >= 1)) fail('--threads and --repeat must be >= 1');
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(o.model, {
    intraOpNumThreads: o.threads, interOpNumThreads: 1, executionMode: 'sequential',
  });
  if (o.inputs.length !== session.inputNames.length)
    fail(`the model has ${session.inputNames.length} inputs, ${o.inputs.length} given`);
  const feeds = {};
  session.inputNames.forEach((name, i) => { feeds[name] = readNpy(ort, o.inputs[i]); });
  await session.run(feeds); // warm-up
  const latencies = [];
  for (let i = 0; i < o.repeat; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`latency_ms median=${median(latencies).toFixed(3)} ` +
              `min=${Math.min(...latencies).toFixed(3)}`);
}

main().catch(e => fail(e.message || String(e)));
