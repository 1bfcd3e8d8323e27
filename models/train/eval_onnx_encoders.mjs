// Held-out masked-LM accuracy of encoder ONNX files, as export_encoders.py measures the PyTorch weights: the same
// masked inputs (models/.work/heldout_samples.json from heldout_samples.py), padded batches of 64, argmax at every
// position. Shows that the shipped files (weights stored in fp16) keep the trained models' scores.
// Usage from the repo root: node models/train/eval_onnx_encoders.mjs [models/tl-bert/onnx/model.onnx ...]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const files = process.argv.slice(2);
if (!files.length) files.push('models/tl-bert/onnx/model.onnx', 'models/tl-ernie/onnx/model.onnx');
const samples = JSON.parse(readFileSync('models/.work/heldout_samples.json', 'utf8'));
const PAD = 1;
const i64 = (a, dims) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), dims);

/** Predicted id at every position of every sample. */
async function predict(session, list) {
  const out = [];
  for (let i = 0; i < list.length; i += 64) {
    const chunk = list.slice(i, i + 64);
    const T = Math.max(...chunk.map((s) => s.input_ids.length));
    const ids = [], mask = [];
    for (const s of chunk) {
      for (let t = 0; t < T; t++) {
        ids.push(t < s.input_ids.length ? s.input_ids[t] : PAD);
        mask.push(t < s.input_ids.length ? 1 : 0);
      }
    }
    const dims = [chunk.length, T];
    const r = await session.run({ input_ids: i64(ids, dims), attention_mask: i64(mask, dims), token_type_ids: i64(ids.map(() => 0), dims) });
    const V = r.logits.dims[2];
    const logits = r.logits.data;
    chunk.forEach((_, b) => {
      const row = [];
      for (let t = 0; t < T; t++) {
        const off = (b * T + t) * V;
        let best = 0;
        for (let v = 1; v < V; v++) if (logits[off + v] > logits[off + best]) best = v;
        row.push(best);
      }
      out.push(row);
    });
  }
  return out;
}

/** Token accuracy and whole-unit exact match per language and overall (heldout.py's `score`). */
function score(list, predictions) {
  const st = {};
  list.forEach((s, i) => {
    const pred = predictions[i];
    for (const key of [s.lang, 'all']) {
      const c = (st[key] ??= { tokOk: 0, tokN: 0, spanOk: 0, spanN: 0 });
      s.labels.forEach((y, p) => { if (y !== -100) { c.tokN++; c.tokOk += pred[p] === y ? 1 : 0; } });
      for (const [a, e] of s.spans) {
        c.spanN++;
        let whole = true;
        for (let p = a; p < e; p++) whole &&= pred[p] === s.labels[p];
        c.spanOk += whole ? 1 : 0;
      }
    }
  });
  return Object.fromEntries(Object.entries(st).map(([k, c]) => [k, { token_accuracy: c.tokOk / c.tokN, masked_tokens: c.tokN, unit_exact_match: c.spanOk / Math.max(1, c.spanN), masked_units: c.spanN }]));
}

const results = {};
for (const file of files) {
  const session = await ort.InferenceSession.create(file);
  results[file] = {};
  for (const [kind, list] of Object.entries(samples)) results[file][kind] = score(list, await predict(session, list));
  await session.release();
  const pct = (x) => `${(x * 100).toFixed(2)} %`;
  const single = results[file].single_token_masking.all, phrase = results[file].whole_phrase_masking.all;
  console.log(`${file}: single-token acc ${pct(single.token_accuracy)} (${single.masked_tokens} tokens), whole-phrase token acc ${pct(phrase.token_accuracy)}, phrases exact ${pct(phrase.unit_exact_match)} (${phrase.masked_units} phrases)`);
}
console.log(JSON.stringify(results));
