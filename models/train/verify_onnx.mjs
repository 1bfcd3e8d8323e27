// Run the exported ONNX graphs with onnxruntime-web (WASM EP, in Node) and compare with reference.json
// (computed by PyTorch). Also checks that JS tokenization of the reference prompts / masked texts gives
// the same ids. Usage from the repo root: node models/train/verify_onnx.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { Tokenizer } from '@huggingface/tokenizers';

ort.env.wasm.numThreads = 1;
const models = join(dirname(fileURLToPath(import.meta.url)), '..');
const J = (...p) => JSON.parse(readFileSync(join(models, ...p), 'utf8'));
const tok = (m) => new Tokenizer(J(m, 'tokenizer.json'), J(m, 'tokenizer_config.json'));
const sess = (m, f) => ort.InferenceSession.create(readFileSync(join(models, m, 'onnx', f)), { executionProviders: ['wasm'] });
const i64 = (a, dims) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), dims);
const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const argmax = (arr, off, n) => { let b = 0; for (let i = 1; i < n; i++) if (arr[off + i] > arr[off + b]) b = i; return b; };
const out = { ok: true };
const fail = (msg) => { out.ok = false; console.log('FAIL', msg); };

// ---------------- decoder
{
  const cfg = J('tl-gpt', 'config.json');
  const ref = J('tl-gpt', 'reference.json');
  const tk = tok('tl-gpt');
  const s = await sess('tl-gpt', 'model.onnx');
  const emptyPast = () => Object.fromEntries(Array.from({ length: 2 * L }, (_, k) => [`past_key_values.${k >> 1}.${k & 1 ? 'value' : 'key'}`,
    new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, HD])]));
  const L = cfg.num_hidden_layers, KV = cfg.num_key_value_heads, HD = cfg.head_dim, V = cfg.vocab_size;
  let maxStepDiff = 0;
  for (const g of ref.greedy) {
    const ids = tk.encode(g.prompt).ids.map(Number);
    if (!eq(ids, g.prompt_ids)) fail(`gpt prompt ids ${g.prompt}: ${ids} vs ${g.prompt_ids}`);
    let feeds = { input_ids: i64(ids, [1, ids.length]), attention_mask: i64(ids.map(() => 1), [1, ids.length]),
      position_ids: i64(ids.map((_, i) => i), [1, ids.length]) };
    for (let l = 0; l < L; l++) for (const t of ['key', 'value'])
      feeds[`past_key_values.${l}.${t}`] = new ort.Tensor('float32', new Float32Array(0), [1, KV, 0, HD]);
    const gen = [];
    let total = ids.length;
    let r = await s.run(feeds);
    let logits = r.logits;
    let last = logits.dims[1] - 1;
    const all = [...ids];
    for (let k = 0; k < g.new_ids.length; k++) {
      const nxt = argmax(logits.data, last * V, V);
      gen.push(nxt); all.push(nxt);
      if (k === g.new_ids.length - 1) break;
      total += 1;
      feeds = { input_ids: i64([nxt], [1, 1]), attention_mask: i64(Array(total).fill(1), [1, total]),
        position_ids: i64([total - 1], [1, 1]) };
      for (let l = 0; l < L; l++) for (const t of ['key', 'value']) feeds[`past_key_values.${l}.${t}`] = r[`present.${l}.${t}`];
      r = await s.run(feeds);
      logits = r.logits; last = 0;
    }
    if (!eq(gen, g.new_ids)) fail(`gpt greedy ${g.prompt}: ${gen} vs ${g.new_ids}`);
    const txt = tk.decode(g.new_ids, { skip_special_tokens: true });
    if (txt !== g.new_text) fail(`gpt decode ${JSON.stringify(txt)} vs ${JSON.stringify(g.new_text)}`);
    // full-sequence logits (one call, empty cache) vs the last KV step; the attention maps are checked against
    // PyTorch's by test/unit/expose-attention.test.ts (test/fixtures/tl-gpt-attention.json)
    const ra = await s.run({ input_ids: i64(all.slice(0, -1), [1, all.length - 1]),
      attention_mask: i64(all.slice(0, -1).map(() => 1), [1, all.length - 1]),
      position_ids: i64(all.slice(0, -1).map((_, i) => i), [1, all.length - 1]), ...emptyPast() });
    const T = all.length - 1;
    for (let v = 0; v < V; v++) maxStepDiff = Math.max(maxStepDiff, Math.abs(ra.logits.data[(T - 1) * V + v] - logits.data[v]));
  }
  if (maxStepDiff > 1e-3) fail(`gpt kv steps vs full-sequence logits diff ${maxStepDiff}`);
  const lc = ref.logits_check;
  const r = await s.run(Object.assign({ input_ids: i64(lc.prompt_ids, [1, lc.prompt_ids.length]),
    attention_mask: i64(lc.prompt_ids.map(() => 1), [1, lc.prompt_ids.length]),
    position_ids: i64(lc.prompt_ids.map((_, i) => i), [1, lc.prompt_ids.length]) }, emptyPast()));
  const d = Math.max(...lc.first8.map((x, i) => Math.abs(x - r.logits.data[lc.position * V + i])));
  if (d > 1e-3) fail(`gpt logits_check diff ${d}`);
  out['tl-gpt'] = { greedy_prompts: ref.greedy.length, logits_check_max_abs_diff: d, kv_vs_full_sequence_max_abs_diff: maxStepDiff };
}

// ---------------- encoders
for (const m of ['tl-bert', 'tl-ernie']) {
  const cfg = J(m, 'config.json');
  const ref = J(m, 'reference.json');
  const tk = tok(m);
  const s = await sess(m, 'model.onnx');
  const V = cfg.vocab_size;
  let maxDiff = 0, top1 = 0, n = 0;
  for (const ex of ref.masked) {
    const ids = tk.encode(ex.masked_text).ids.map(Number);
    if (!eq(ids, ex.input_ids)) fail(`${m} masked_text ids ${ex.masked_text}: ${ids} vs ${ex.input_ids}`);
    const T = ex.input_ids.length;
    const r = await s.run({ input_ids: i64(ex.input_ids, [1, T]), attention_mask: i64(Array(T).fill(1), [1, T]),
      token_type_ids: i64(Array(T).fill(0), [1, T]) });
    ex.mask_positions.forEach((p, k) => {
      const row = r.logits.data.slice(p * V, (p + 1) * V);
      const mx = Math.max(...row);
      let z = 0; for (const x of row) z += Math.exp(x - mx);
      for (const e of ex.top5[k]) maxDiff = Math.max(maxDiff, Math.abs(Math.exp(row[e.id] - mx) / z - e.prob));
      top1 += argmax(row, 0, V) === ex.top5[k][0].id ? 1 : 0; n++;
    });
    for (let l = 0; l < cfg.num_hidden_layers; l++) {
      const a = r[`attentions.${l}`];
      if (!eq(a.dims.map(Number), [1, cfg.num_attention_heads, T, T])) fail(`${m} attentions dims ${a.dims}`);
    }
  }
  // The encoders' weights are stored in fp16 (compact_weights.py), the reference is PyTorch fp32: the same
  // top-1 everywhere, probabilities within 1e-3 and logits within 1e-2 (measured: 3.5e-4 and 4e-3).
  if (maxDiff > 1e-3 || top1 !== n) fail(`${m} top5 prob diff ${maxDiff} top1 ${top1}/${n}`);
  const lc = ref.logits_check;
  const T = lc.input_ids.length;
  const r = await s.run({ input_ids: i64(lc.input_ids, [1, T]), attention_mask: i64(Array(T).fill(1), [1, T]),
    token_type_ids: i64(Array(T).fill(0), [1, T]) });
  const d = Math.max(...lc.first8.map((x, i) => Math.abs(x - r.logits.data[lc.position * V + i])));
  if (d > 1e-2) fail(`${m} logits_check diff ${d}`);
  out[m] = { masked_examples: ref.masked.length, top5_prob_max_abs_diff: maxDiff, top1_equal: `${top1}/${n}`, logits_check_max_abs_diff: d };
}
console.log(JSON.stringify(out, null, 1));
process.exit(out.ok ? 0 : 1);
