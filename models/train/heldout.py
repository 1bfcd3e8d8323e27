"""The held-out masked-LM evaluation of tl-bert and tl-ernie, without torch: the masked inputs (the same for every
model) and the scores of a model's predictions on them. export_encoders.py scores the PyTorch weights with it;
heldout_samples.py writes the inputs for eval_onnx_encoders.mjs, which scores the shipped ONNX files."""
import json
import os
import random

from common import CLS, SEP, WORK, Tokenizer
from masking import TokInfo, apply_mask, bert_units, ernie_units

KINDS = {"single_token_masking": "token", "whole_phrase_masking": "phrase"}


def masked_samples(docs, langs, ti, kind, seed=2024):
    """kind 'token': 15% single tokens; 'phrase': ERNIE units of >= 2 tokens (words/entities/phrases/Chinese
    spans), 15% budget. All selected tokens -> [MASK]. Each sample: (lang, input ids, labels, masked spans)."""
    rng = random.Random(seed)
    samples = []
    for d, lang in zip(docs, langs):
        d = d[:126]
        if kind == "token":
            units = bert_units(d)
        else:
            units = [u for u in ernie_units(d, ti, rng) if u[1] - u[0] >= 2]
            if not units:
                continue
        inp, lab = apply_mask(d, units, rng, rule=(1.0, 0.0, 0.0))
        spans = [u for u in units if lab[u[0]] != -100]
        samples.append((lang, [CLS] + inp + [SEP], [-100] + lab + [-100], [(s + 1, e + 1) for s, e in spans]))
    return samples


def score(samples, predictions):
    """Token accuracy and whole-unit exact match per language and overall; `predictions[i][p]` is the
    predicted id at position p of sample i."""
    st = {}
    for (lang, _, lab, spans), pred in zip(samples, predictions):
        for key in (lang, "all"):
            s = st.setdefault(key, {"tok_ok": 0, "tok_n": 0, "span_ok": 0, "span_n": 0})
            for p, y in enumerate(lab):
                if y != -100:
                    s["tok_n"] += 1
                    s["tok_ok"] += int(pred[p] == y)
            for a, e in spans:
                s["span_n"] += 1
                s["span_ok"] += int(all(int(pred[p]) == lab[p] for p in range(a, e)))
    return {k: {"token_accuracy": v["tok_ok"] / v["tok_n"], "masked_tokens": v["tok_n"],
                "unit_exact_match": v["span_ok"] / max(1, v["span_n"]), "masked_units": v["span_n"]}
            for k, v in st.items()}


def heldout_inputs(tokenizer_path=os.path.join(WORK, "tokenizer.json")):
    """Held-out documents as ids (the corpus split of corpus.py), their languages and the tokenizer's unit info."""
    tk = Tokenizer(tokenizer_path)
    corpus = json.load(open(os.path.join(WORK, "corpus.json"), encoding="utf-8"))
    ids_path = os.path.join(WORK, "corpus_ids.json")
    if os.path.exists(ids_path):
        ids = json.load(open(ids_path))["heldout"]
    else:
        ids = [tk.encode_plain(d["text"]) for d in corpus["heldout"]]
    return tk, ids, [d["lang"] for d in corpus["heldout"]], TokInfo(tk.vocab)
