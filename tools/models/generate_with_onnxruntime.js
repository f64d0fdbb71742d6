#!/usr/bin/env node
// generate_with_onnxruntime.js: greedy GPT-2 generation in onnxruntime-node, the reference for
// tools/run_inference.py (same arguments, same `generated: ID ...` last line, same timing line).
//
//   node tools/models/generate_with_onnxruntime.js MODEL.onnx --prompt-ids "464 2068 7586"
//        [--max-new-tokens N] [--no-kv-cache] [--threads N]
//
// A model with past_key_values.N.key/value inputs (export_gpt2.py --with-past) runs the prompt
// once and then one position per token on its cache; otherwise (or with --no-kv-cache) every
// token reruns the whole sequence. Exit status: 0 ok, 1 failure, 2 bad usage.
'use strict';

const fs = require('fs');
const {loadOrt} = require('./check_with_onnxruntime.js');

const PAST_PREFIX = 'past_key_values.';

function usage(message) {
  console.error(`generate_with_onnxruntime: error: ${message}`);
  console.error('usage: node generate_with_onnxruntime.js MODEL.onnx --prompt-ids "ID ID ..." ' +
                '[--max-new-tokens N] [--no-kv-cache] [--threads N]');
  process.exit(2);
}

function fail(message) {
  console.error(`generate_with_onnxruntime: error: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const o = {model: null, ids: null, count: 20, useCache: true, threads: 0};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const count = (text) => {
      if (!/^\d+$/.test(text)) usage(`${a} ${text}: expected a non-negative integer`);
      return Number(text);
    };
    if (a === '--prompt-ids') {
      const text = value();
      o.ids = text.split(/[\s,]+/).filter((t) => t.length);
      if (!o.ids.length || o.ids.some((t) => !/^\d+$/.test(t))) {
        usage(`--prompt-ids ${JSON.stringify(text)}: expected integers separated by spaces`);
      }
      o.ids = o.ids.map(Number);
    } else if (a === '--max-new-tokens') {
      o.count = count(value());
    } else if (a === '--threads') {
      o.threads = count(value());
    } else if (a === '--no-kv-cache') {
      o.useCache = false;
    } else if (a.startsWith('-')) {
      usage(`unknown option ${a}`);
    } else if (o.model === null) {
      o.model = a;
    } else {
      usage(`a second model ${a}`);
    }
  }
  if (o.model === null) usage('no model given');
  if (o.ids === null) usage('--prompt-ids is required');
  if (o.count < 1) usage('--max-new-tokens must be at least 1');
  return o;
}

function argmax(data, offset, length) {
  let best = offset;
  for (let i = offset + 1; i < offset + length; i++) if (data[i] > data[best]) best = i;
  return best - offset;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(o.model)) fail(`${o.model} does not exist`);
  const ort = loadOrt();
  const options = o.threads ? {intraOpNumThreads: o.threads} : {};
  const session = await ort.InferenceSession.create(o.model, options);
  const pasts = session.inputMetadata.filter((m) => m.name.startsWith(PAST_PREFIX));
  const useCache = o.useCache && pasts.length > 0;
  const ids = (values) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)),
                                         [1, values.length]);
  const emptyCache = () => Object.fromEntries(pasts.map((m) => [
    m.name, new ort.Tensor('float32', new Float32Array(0), [1, m.shape[1], 0, m.shape[3]])]));

  const generated = [];
  const times = [];
  let cache = emptyCache();
  for (let step = 0; step < o.count; step++) {
    const start = process.hrtime.bigint();
    const feed = useCache ? (step === 0 ? o.ids : generated.slice(-1)) : o.ids.concat(generated);
    const results = await session.run({input_ids: ids(feed), ...(useCache ? cache : emptyCache())});
    const logits = results[session.outputNames[0]];
    const vocab = logits.dims[2];
    generated.push(argmax(logits.data, (logits.dims[1] - 1) * vocab, vocab));
    if (useCache) {
      // present.N.key/value, in the order of the past inputs they feed next.
      cache = Object.fromEntries(pasts.map((m, k) => [m.name, results[session.outputNames[k + 1]]]));
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const total = times.reduce((a, b) => a + b, 0);
  let line = `prompt: ${(times[0] * 1e3).toFixed(1)} ms; `;
  if (times.length > 1) {
    const later = times.slice(1).sort((a, b) => a - b);
    line += `then ${(later[Math.floor(later.length / 2)] * 1e3).toFixed(1)} ms per token (median); `;
  }
  console.log(`${line}${generated.length} tokens in ${total.toFixed(3)} s: ` +
              `${(generated.length / total).toFixed(2)} tokens/s ` +
              `(${useCache ? 'with' : 'without'} the key/value cache)`);
  console.log(`generated: ${generated.join(' ')}`);
}

main().catch((e) => fail(e.stack || String(e)));
