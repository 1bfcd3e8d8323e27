"""Write the model cards (models/*/README.md) from models/train/metrics.json."""
import json
import os

from common import ROOT, TRAIN_DIR

M = SZ = T = None


def reload():
    global M, SZ, T
    M = json.load(open(os.path.join(TRAIN_DIR, "metrics.json"), encoding="utf-8"))
    SZ = M["file_bytes"]
    T = M["timings_s"]

CORPUS = """| source (Debian package) | content | license |
|---|---|---|
| `fortunes-min`, `fortunes` (fortune-mod data, `/usr/share/games/fortunes/*`, all files except `ascii-art`, `translate-me`) | English fortune cookies: quotes, jokes, definitions, short poems | BSD (© 1991 The Regents of the University of California; see `/usr/share/doc/fortunes/copyright`) |
| `fortunes-zh` (`chinese`, `tang300`, `song100`) | Chinese: proverbs, classical poems and ci, modern quotes; 300 Tang poems; 100 Song poems | GPL-3.0+ (© 2001-2021 Yu Guanghui, Mo Zhou, xiao sheng wen; see `/usr/share/doc/fortunes-zh/copyright`) |

Cleaning (`corpus.py`): split at `%` lines, ANSI colour codes removed, tabs → space, runs of spaces collapsed,
lines stripped. A document is Chinese if > 30 % of its non-space characters are CJK. Held-out split:
`crc32(text) % 100 < 4` (by document). The weights are trained on this text; if you redistribute them,
treat them as derived from GPL-3.0+ (Chinese part) and BSD (English part) material."""


def corpus_table():
    c = M["corpus"]["stats"]
    t = M["tokens"]
    rows = ["| split | language | documents | characters | tokens | chars/token |", "|---|---|---|---|---|---|"]
    for split in ("train", "heldout"):
        for lang in ("en", "zh"):
            k = f"{lang}_{split}"
            rows.append(f"| {split} | {lang} | {c[lang][split + '_docs']:,} | {c[lang][split + '_chars']:,} | "
                        f"{t[k]['tokens']:,} | {t[k]['chars'] / t[k]['tokens']:.2f} |")
    return "\n".join(rows)


TOKENIZER = """Shared by all three models (same vocabulary, merges, normalizer and decoder; only the post-processor differs).
HF `tokenizers` BPE with `byte_fallback` (Llama style), trained by our own code (`tokenizer.py`) on the train split:

* vocab 4096: `0 <|endoftext|>`, `1 [PAD]`, `2 [UNK]`, `3 [CLS]`, `4 [SEP]`, `5 [MASK]`, `6..261` byte tokens
  `<0x00>..<0xFF>`, then the 2,304 most frequent characters (mostly CJK), then 1,530 merges.
* normalizer: `Replace(" " → "▁")` only (no prefix space, no lowercasing, no NFKC); no pre-tokenizer; decoder:
  `Replace("▁" → " ")`, `ByteFallback`, `Fuse`. Characters outside the vocabulary become UTF-8 byte tokens, so any text round-trips.
* merges never cross a letter/CJK/punctuation/digit boundary and never put a "▁" in the middle of a token, so English words
  are `▁word` pieces and Chinese is mostly one character per token (1.06 chars/token).
* `[MASK]` is declared with `lstrip: true`, so `"the [MASK] of"` encodes the mask as the `▁word` slot (as in training).
* checked: `@huggingface/tokenizers` 0.2.0 (JS) gives exactly the Python ids (and decodes back to the same text) on 291 strings
  (every 3rd held-out document + odd strings: emoji, tabs, rare CJK, half-width kana…): `node models/train/verify_tokenizer.mjs`."""


def mb(n):
    return f"{n / 1e6:.2f} MB"


def files(name):
    rows = ["| file | bytes |", "|---|---|"]
    for k in sorted(SZ):
        if k.startswith(name + "/") and not k.endswith("README.md"):
            rows.append(f"| `{k[len(name) + 1:]}` | {SZ[k]:,} |")
    return "\n".join(rows)


def gpt_card():
    g = M["tl-gpt"]
    c = g["config"]
    f, u = g["heldout_final"], g["unigram_baseline"]
    curve = ["| step | train loss (EMA) | held-out en nats/token | held-out zh nats/token | time (s) |", "|---|---|---|---|---|"]
    for r in g["curve"][:-1]:
        tl = "–" if r["train_loss_ema"] is None else f"{r['train_loss_ema']:.3f}"
        curve.append(f"| {r['step']} | {tl} | {r['heldout_en_nats_per_token']:.3f} | {r['heldout_zh_nats_per_token']:.3f} | {r['time_s']:.0f} |")
    samples = "\n".join(f"* prompt {json.dumps(s['prompt'], ensure_ascii=False)} →\n  ```\n  " +
                        s["text"].replace("\n", "\n  ") + "\n  ```" for s in g["samples"])
    ref = json.load(open(os.path.join(ROOT, "tl-gpt", "reference.json"), encoding="utf-8"))
    greedy = "\n".join(f"* {json.dumps(r['prompt'], ensure_ascii=False)} → {json.dumps(r['new_text'], ensure_ascii=False)}" for r in ref["greedy"])
    ch = g["checks"]
    return f"""# tl-gpt — tiny bilingual GPT (Llama architecture), Transformer Lab's default model

A {g['params']:,}-parameter decoder-only language model trained from scratch on English fortune cookies and
Chinese proverbs / Tang and Song poetry from Debian packages. It writes short fortune-like English and
poem-like Chinese lines. It is a teaching model: small enough to run anywhere in the browser and to show
every attention map, not a useful assistant.

## Architecture

| | |
|---|---|
| type | Llama (pre-RMSNorm, RoPE θ={c['rope_theta']:g}, causal self-attention with GQA, SwiGLU MLP, no biases) |
| hidden_size | {c['hidden_size']} |
| intermediate_size | {c['intermediate_size']} |
| layers | {c['num_hidden_layers']} |
| attention heads / kv heads / head_dim | {c['num_attention_heads']} / {c['num_key_value_heads']} / {c['head_dim']} |
| vocab | {c['vocab_size']} (shared tokenizer, see below) |
| max_position_embeddings | {c['max_position_embeddings']} (trained on {g['seq']}-token windows; quality drops beyond ~{g['seq']} tokens) |
| output head | tied to the token embedding |
| parameters | {g['params']:,} (fp32) |
| bos / eos | `<|endoftext|>` = 0 (both); pad `[PAD]` = 1 |

## Files

{files('tl-gpt')}

## ONNX I/O (transformers.js / Optimum decoder-with-past convention)

`onnx/model.onnx`: fp32, opset 14, one file, only standard ops (MatMul, Softmax, Where, Gather, …; no custom or
contrib ops). Dynamic axes `batch_size`, `sequence_length`, `past_sequence_length`, `total_sequence_length`.

| inputs | dtype | shape |
|---|---|---|
| `input_ids` | int64 | [batch, seq] |
| `attention_mask` | int64 | [batch, past+seq] (1 = token, 0 = padding; left padding works) |
| `position_ids` | int64 | [batch, seq] |
| `past_key_values.{{0..{c['num_hidden_layers'] - 1}}}.key` / `.value` | float32 | [batch, {c['num_key_value_heads']}, past, {c['head_dim']}] (past = 0 for the prefill) |

| outputs | dtype | shape |
|---|---|---|
| `logits` | float32 | [batch, seq, {c['vocab_size']}] |
| `present.{{i}}.key` / `.value` | float32 | [batch, {c['num_key_value_heads']}, past+seq, {c['head_dim']}] (keys after RoPE) |

Masked scores are set to float32 min (not -inf), so fully padded rows give no NaN.

Attention maps come from this same graph: the app makes its Softmax outputs graph outputs at load
(`src/engine/graph/expose-attention.ts`). The export records PyTorch's probabilities for a few tokens in
`test/fixtures/tl-gpt-attention.json`, which the unit test compares with that pass; no second graph is shipped.

## Tokenizer

{TOKENIZER}

For this model the post-processor prepends `<|endoftext|>` (id 0) as BOS (`tokenizer.encode(text)` → `[0, …]`);
`tokenizer_config.json`: `LlamaTokenizer`, `legacy: true`, `add_bos_token: true`, `padding_side: left`.
Generation should stop at id 0 (`eos_token_id`), which the model emits at the end of a fortune.

## Corpus

{CORPUS}

{corpus_table()}

Training stream: the train documents, Tang/Song poetry files upsampled ×3, shuffled (seed 1234), each preceded by
`<|endoftext|>`; {g['tokens_seen']:,} tokens seen = {g['tokens_seen'] / g['train_stream_tokens']:.2f} passes over the {g['train_stream_tokens']:,}-token stream.

## Training

AdamW (β 0.9/0.95, weight decay 0.1 on matrices), peak LR 3e-3, {30} warm-up steps, cosine to 10 %, gradient clip 1.0,
fp32, {g['steps']} steps × {g['batch']} × {g['seq']} tokens, seed 1234. Time: {g['train_time_s'] / 60:.1f} min on a 2-vCPU VM
(1 thread, while the two encoders trained one after the other on the other core).

{chr(10).join(curve)}

![training curve](training_curve.svg)

(curve rows: first 4,096 held-out tokens per language; the final numbers below use all held-out text.)

## Held-out results (all {M['tokens']['en_heldout']['tokens']:,} English + {M['tokens']['zh_heldout']['tokens']:,} Chinese held-out tokens)

| | English | Chinese |
|---|---|---|
| tl-gpt, nats/token | {f['heldout_en_nats_per_token']:.3f} | {f['heldout_zh_nats_per_token']:.3f} |
| tl-gpt, perplexity/token | {2.718281828 ** f['heldout_en_nats_per_token']:.1f} | {2.718281828 ** f['heldout_zh_nats_per_token']:.1f} |
| **tl-gpt, bits/character** | **{f['heldout_en_bits_per_char']:.3f}** | **{f['heldout_zh_bits_per_char']:.3f}** |
| unigram token model fitted on train (add-one), bits/character | {u['en']['bits_per_char']:.3f} | {u['zh']['bits_per_char']:.3f} |

(Chinese bits/char are naturally much higher than English: one Chinese character carries about as much as a short English word.)

## Samples

Greedy (from `reference.json`, 40 tokens, no early stop):

{greedy}

Sampled (temperature 0.8, top-k 40, seed 7, stop at `<|endoftext|>`):

{samples}

## Export checks

* PyTorch: prefill + 1-token KV-cache steps vs full-sequence logits: max |Δ| = {ch['kv_steps_vs_full_max_abs_diff']:.1e};
  left-padded batch of 2 vs batch of 1: {ch['left_pad_vs_single_max_abs_diff']:.1e}; attention rows sum to 1 (err {ch['attn_row_sum_max_err']:.1e}), 0 above the diagonal.
* ONNX, run with onnxruntime-web 1.30 (WASM EP, in Node): `node models/train/verify_onnx.mjs` re-runs the greedy loop
  with the KV cache and gets exactly `reference.json`'s ids, and `logits_check` within 1e-3; one full-sequence call
  gives the same last-position logits as the KV steps.

## reference.json

* `greedy`: list of `{{prompt, prompt_ids, new_ids, new_text}}`: `prompt_ids` as the tokenizer encodes the prompt
  (with the BOS 0 that the post-processor adds), `new_ids` = 40 argmax tokens (no early stop) from the fp32 PyTorch
  model on the KV-cache path, `new_text` = decode(new_ids, skip special tokens).
* `logits_check`: `{{prompt, prompt_ids, position, first8, argmax}}`: first 8 logits at the last prompt position.

## Intended use and limits

For demonstrating how a decoder works (tokens, logits, sampling, KV cache, attention maps) in Transformer Lab.
It is tiny and briefly trained: text is locally fluent but often incoherent, it repeats itself under greedy
decoding, it knows no facts, and it may reproduce fortunes/poems from its training data (including some crude jokes from
the fortune files). Not for any real-world use.
"""


def enc_card(name):
    e = M["encoders"][name]
    c = e["config"]
    ev = M["encoder_eval"]
    mode = "bert" if name == "tl-bert" else "ernie"
    other = "tl-ernie" if name == "tl-bert" else "tl-bert"
    rows = ["| masking at test time | metric | tl-bert | tl-ernie |", "|---|---|---|---|"]
    for kind, label in (("single_token_masking", "single tokens (15 %)"), ("whole_phrase_masking", "whole words/entities/phrases (≥ 2 tokens)")):
        for lang in ("all", "en", "zh"):
            b, r = ev[kind]["bert"][lang], ev[kind]["ernie"][lang]
            rows.append(f"| {label}, {lang} | token accuracy | {b['token_accuracy']:.3f} | {r['token_accuracy']:.3f} |")
            if kind == "whole_phrase_masking":
                rows.append(f"| {label}, {lang} | whole unit exact match ({b['masked_units']} units) | {b['unit_exact_match']:.3f} | {r['unit_exact_match']:.3f} |")
    ref = json.load(open(os.path.join(ROOT, name, "reference.json"), encoding="utf-8"))
    ex = []
    for r in ref["masked"]:
        tops = "; ".join("[" + ", ".join(f"{t['token']!r} {t['prob']:.2f}" for t in tp[:3]) + "]" for tp in r["top5"])
        ex.append(f"* `{r['masked_text']}` (original: {r['text']}) → {tops}")
    masking = ("ordinary BERT masking: 15 % of the tokens chosen independently; of those 80 % → `[MASK]`, 10 % → a random token, 10 % unchanged"
               if mode == "bert" else
               "ERNIE 1.0-style knowledge masking: the same 15 % budget and 80/10/10 rule, but applied to whole units — whole English words "
               "(all their BPE pieces), capitalized multi-word entities (\"Mark Twain\", \"New York\"), 2–3-word English phrases (half of the "
               "non-entity units), and Chinese phrases: runs of CJK characters cut into spans of 2–4 tokens (a cheap stand-in for word "
               "segmentation; poem lines of 5/7 characters become 2+3 / 2+2+3). See `models/train/masking.py`")
    return f"""# {name} — tiny bilingual BERT-style encoder ({'random-token masking' if mode == 'bert' else 'ERNIE-style phrase/entity masking'})

A {e['params']:,}-parameter bidirectional Transformer encoder with a masked-language-model head, trained from scratch
on the same bilingual corpus and tokenizer as `tl-gpt`. `tl-bert` and `tl-ernie` are identical in architecture,
hyper-parameters, data order and seeds; they differ only in the masking used in pre-training:

* **this model ({name})**: {masking}.
* the twin model: `{other}`.

## Architecture

| | |
|---|---|
| type | BERT (learned absolute positions + token-type embeddings, pre-LayerNorm + final LayerNorm, GELU (tanh) MLP, biases) |
| hidden_size | {c['hidden_size']} |
| intermediate_size | {c['intermediate_size']} |
| layers | {c['num_hidden_layers']} |
| attention heads (head dim) | {c['num_attention_heads']} ({c['hidden_size'] // c['num_attention_heads']}) |
| vocab | {c['vocab_size']} |
| max_position_embeddings | {c['max_position_embeddings']} (inputs longer than {c['max_position_embeddings']} tokens must be truncated) |
| type_vocab_size | {c['type_vocab_size']} (trained with type 0 only) |
| MLM head | dense + GELU + LayerNorm, decoder tied to the word embedding, own bias |
| parameters | {e['params']:,} (fp32) |

## Files

{files(name)}

## ONNX I/O

`onnx/model.onnx`: opset 14, one file, standard ops only; dynamic `batch_size`, `sequence_length`. It computes in
fp32; its weight matrices are stored in fp16, each read through a `Cast` to float32 (`compact_weights.py`: half the
bytes), and the app widens them back to float32 at load. Held-out scores of the stored file
(`node models/train/eval_onnx_encoders.mjs`) are those of the fp32 weights within 0.05 points.

| inputs | dtype | shape |
|---|---|---|
| `input_ids` | int64 | [batch, seq] |
| `attention_mask` | int64 | [batch, seq] (0 = padding: padded keys get float32-min scores) |
| `token_type_ids` | int64 | [batch, seq] — a real input (added to the embeddings); pass zeros |

| outputs | dtype | shape |
|---|---|---|
| `logits` | float32 | [batch, seq, {c['vocab_size']}] (MLM logits for every position) |
| `attentions.{{0..{c['num_hidden_layers'] - 1}}}` | float32 | [batch, {c['num_attention_heads']}, seq, seq] (softmax probabilities) |

## Tokenizer

{TOKENIZER}

For the encoders the post-processor wraps the text as `[CLS] … [SEP]` (ids 3 … 4), which is how they were trained.
`tokenizer_config.json`: `BertTokenizer`-class settings with `mask_token` `[MASK]` (5), `cls_token`, `sep_token`, `pad_token` `[PAD]` (1).
Fill-mask: put `[MASK]` where one token is missing (one `[MASK]` per token of a multi-token word or phrase).

## Corpus

{CORPUS}

{corpus_table()}

Training samples: shuffled train documents packed into `[CLS] doc1 [SEP] doc2 [SEP] …` sequences of at most {e['seq']} tokens
(each document masked on its own), no next-sentence objective.

## Training

AdamW (β 0.9/0.98, weight decay 0.01), peak LR 3e-3, 60 warm-up steps, cosine to 5 %, gradient clip 1.0, fp32,
{e['steps']} steps × {e['batch']} sequences × ≤ {e['seq']} tokens ({e['tokens_seen']:,} tokens), seed 4321 (data seed 777).
Time: {e['train_time_s'] / 60:.1f} min (1 thread on a 2-vCPU VM, the decoder training on the other core). Final training MLM loss (EMA): {e['final_mlm_loss_ema']:.3f} nats.

## Held-out evaluation: BERT-style vs ERNIE-style (both models, both masking kinds)

Same held-out documents ({M['corpus']['stats']['en']['heldout_docs'] + M['corpus']['stats']['zh']['heldout_docs']} docs, `[CLS] doc [SEP]`,
≤ 128 tokens), same masked positions for both models (seed 2024), every selected token replaced by `[MASK]`:

* *single tokens*: 15 % of the tokens, independently (BERT's test condition);
* *whole words/entities/phrases*: only ERNIE units of ≥ 2 tokens (multi-piece English words, entities, 2–3-word phrases,
  2–4-token Chinese spans) are masked, whole, up to 15 % of the tokens. "Exact match" = every token of the unit right.

{chr(10).join(rows)}

## Examples (from `reference.json`; top-3 of the top-5 per mask)

{chr(10).join(ex)}

## reference.json

* `masked`: list of `{{text, masked_text, input_ids, mask_positions, original_ids, top5}}`: `masked_text` encodes
  (with this tokenizer, `[CLS]`/`[SEP]` added) to exactly `input_ids`; `mask_positions` index into `input_ids`;
  `top5[k]` = 5 × `{{id, token, prob}}` (softmax over the vocabulary) for mask k. fp32 PyTorch, `token_type_ids` = 0.
* `logits_check`: `{{text, input_ids, position, first8}}`: first 8 logits at the last position (`[SEP]`) of the first example.

Checked with onnxruntime-web (WASM, Node): `node models/train/verify_onnx.mjs` (same top-1, probabilities within 1e-4).

## Intended use and limits

For comparing attention patterns and fill-mask behaviour of random-token vs phrase-level masking in Transformer Lab.
Tiny and briefly trained: predictions are often just frequent tokens, and it has no real knowledge. Not for real-world use.
"""


def index_card():
    g = M["tl-gpt"]
    gf = g['heldout_final']
    total = M["embedded_models_total_bytes"]
    rows = ["| model | kind | params | ONNX files | held-out |", "|---|---|---|---|---|"]
    rows.append(f"| [`tl-gpt`](tl-gpt/README.md) (default) | Llama-style decoder, 4 layers, d=128, KV cache | {g['params']:,} | "
                f"`model.onnx` {mb(SZ['tl-gpt/onnx/model.onnx'])} | "
                f"{g['heldout_final']['heldout_en_bits_per_char']:.2f} bits/char en (unigram {g['unigram_baseline']['en']['bits_per_char']:.2f}), "
                f"{g['heldout_final']['heldout_zh_bits_per_char']:.2f} bits/char zh (unigram {g['unigram_baseline']['zh']['bits_per_char']:.2f}) |")
    ev = M["encoder_eval"]
    for n, mode in (("tl-bert", "bert"), ("tl-ernie", "ernie")):
        e = M["encoders"][n]
        rows.append(f"| [`{n}`]({n}/README.md) | BERT-style encoder, {'random-token' if mode == 'bert' else 'ERNIE phrase/entity'} masking | {e['params']:,} | "
                    f"`model.onnx` {mb(SZ[n + '/onnx/model.onnx'])} (fp16 weights) | single-token acc {ev['single_token_masking'][mode]['all']['token_accuracy']:.3f}, "
                    f"whole-phrase token acc {ev['whole_phrase_masking'][mode]['all']['token_accuracy']:.3f} |")
    tim = "\n".join(f"| {k} | {v} s |" for k, v in T.items())
    return f"""# Embedded models

Three tiny models trained from scratch for Transformer Lab, all ONNX computing in fp32 (opset 14, single file, standard ops),
sharing one bilingual (English + Chinese) byte-fallback BPE tokenizer with 4,096 tokens.

{chr(10).join(rows)}

Total size of the model folders: {mb(total)}.

Special tokens (same ids in every tokenizer.json): `0 <|endoftext|>` (decoder BOS/EOS), `1 [PAD]`, `2 [UNK]`, `3 [CLS]`,
`4 [SEP]`, `5 [MASK]` (declared with `lstrip: true`). The decoder's tokenizer prepends `<|endoftext|>`; the encoders'
tokenizers wrap the text in `[CLS] … [SEP]`. Encoders take `input_ids`, `attention_mask` and `token_type_ids` (zeros).

Each folder has `config.json`, `tokenizer.json`, `tokenizer_config.json`, `onnx/`, `reference.json` (PyTorch
reference outputs for tests) and a model card (`README.md`).

## Corpus and licenses

{CORPUS}

## Rebuild

```sh
sudo apt-get install -y python3-torch python3-onnx python3-numpy fortunes fortunes-min fortunes-zh libopenblas0-pthread
bash models/train/rebuild.sh
```

CPU only, fixed seeds; scripts in `models/train/` (`corpus.py` → `tokenizer.py` → `train_gpt.py` ‖ (`train_encoder.py --mode bert`
→ `train_encoder.py --mode ernie`) → `export_encoders.py` → `export_gpt.py` → `collect.py` (metrics.json, curve, these cards)
→ `verify_tokenizer.mjs` / `verify_onnx.mjs` (need `npm install`)). Intermediate files go to `models/.work/` (git-ignored).
CI never trains. Measured on a 2-vCPU VM with nothing else running (2026-11-23):

| step | wall time |
|---|---|
{tim}

`train` = wall time of the training stage (two streams side by side, one thread each: the decoder, and the two
encoders one after the other; each model card gives its own loop's time): a decoder step takes 1.2 s, an encoder step
0.4 s. With other work on the machine it takes longer (47 min in a run beside browser tests). Two runs, one loaded and
one quiet, produced bit-identical ONNX files, tokenizers and reference outputs: with one thread per training, PyTorch
on the CPU is deterministic here. Measured numbers are in `models/train/metrics.json`.

## Status and limits

All three are deliberately tiny and were trained for about half an hour of one CPU core each, so they are
*demonstration* models: `tl-gpt` beats a unigram model clearly
({gf['heldout_en_bits_per_char']:.2f} vs {g['unigram_baseline']['en']['bits_per_char']:.2f} bits/char English,
{gf['heldout_zh_bits_per_char']:.2f} vs {g['unigram_baseline']['zh']['bits_per_char']:.2f} Chinese) and writes English sentences
and poem-like Chinese lines in its corpus' style, but it loses the thread after a sentence or two and can loop under greedy
decoding (sampling with a repetition penalty reads better). The encoders reach
{ev['single_token_masking']['bert']['all']['token_accuracy']:.0%} (BERT-style) and
{ev['single_token_masking']['ernie']['all']['token_accuracy']:.0%} (ERNIE-style) masked-token accuracy on held-out single
tokens and {ev['whole_phrase_masking']['bert']['all']['token_accuracy']:.0%} vs
{ev['whole_phrase_masking']['ernie']['all']['token_accuracy']:.0%} on whole masked phrases. They are meant for looking at
attention maps and comparing the two masking schemes, not for fill-mask quality. More steps
(`TL_GPT_STEPS`, `TL_ENC_STEPS`) improve them at proportional cost.
"""


def main():
    reload()
    open(os.path.join(ROOT, "tl-gpt", "README.md"), "w").write(gpt_card())
    for n in ("tl-bert", "tl-ernie"):
        open(os.path.join(ROOT, n, "README.md"), "w").write(enc_card(n))
    open(os.path.join(ROOT, "README.md"), "w").write(index_card())


if __name__ == "__main__":
    main()
