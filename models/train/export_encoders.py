"""Evaluate tl-bert and tl-ernie on held-out text with both masking kinds, export both to ONNX,
check ONNX-equivalent torch path, write config.json and reference.json."""
import json
import os
import re
import time

import onnx
import torch

from common import CLS, MASK, ROOT, SEP, SP, WORK
from compact_weights import compact
from heldout import heldout_inputs, masked_samples, score
from model import ExportBert, TLBert, n_params
from train_encoder import CONFIG

SENTENCES = [
    # (text, list of (start, end) token spans to mask in the plain token ids, found by substring)
    ("A penny saved is a penny earned.", ["earned"]),
    ("As Mark Twain said, the report of my death was an exaggeration.", ["Mark Twain"]),
    ("床前明月光，疑是地上霜。", ["月"]),
    ("举头望明月，低头思故乡。", ["故乡"]),
]


def load(mode):
    m = TLBert(CONFIG)
    m.load_state_dict(torch.load(os.path.join(WORK, f"tl-{mode}.pt")))
    m.eval()
    return m


def evaluate(models, docs, langs, ti, kind, seed=2024):
    """Each model's held-out scores on the same masked inputs (heldout.py)."""
    samples = masked_samples(docs, langs, ti, kind, seed)
    res = {}
    for name, model in models.items():
        predictions = []
        with torch.no_grad():
            for i in range(0, len(samples), 64):
                chunk = samples[i:i + 64]
                T = max(len(s[1]) for s in chunk)
                ids = torch.full((len(chunk), T), 1, dtype=torch.long)
                am = torch.zeros((len(chunk), T), dtype=torch.long)
                for b, s in enumerate(chunk):
                    ids[b, :len(s[1])] = torch.tensor(s[1])
                    am[b, :len(s[1])] = 1
                predictions.extend(model(ids, am)[0].argmax(-1).tolist())
        res[name] = score(samples, predictions)
    return res


def export(model, path):
    L = CONFIG["num_hidden_layers"]
    ids = torch.randint(0, CONFIG["vocab_size"], (2, 7))
    am = torch.ones(2, 7, dtype=torch.long)
    tt = torch.zeros(2, 7, dtype=torch.long)
    outs = ["logits"] + [f"attentions.{l}" for l in range(L)]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"}, "attention_mask": {0: "batch_size", 1: "sequence_length"},
           "token_type_ids": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"}}
    for o in outs[1:]:
        dyn[o] = {0: "batch_size", 2: "sequence_length", 3: "sequence_length"}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(ExportBert(model), (ids, am, tt), path, input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=outs, dynamic_axes=dyn, opset_version=14, do_constant_folding=True)
    # Half the download: matrices stored in fp16 behind a Cast, the arithmetic stays fp32 (eval_onnx_encoders.mjs
    # measures the held-out scores of the stored files).
    compact(path)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return {"file": os.path.relpath(path, ROOT), "bytes": os.path.getsize(path), "opset": 14, "weights": "fp16, widened by Cast",
            "ops": sorted({n.op_type for n in m.graph.node}),
            "inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output]}


def masked_example(tk, text, targets):
    ids = tk.encode_plain(text)
    toks = [tk.inv[i] for i in ids]
    norm = text.replace(" ", SP)
    # char offsets of tokens in the normalized text
    offs, p = [], 0
    for t in toks:
        offs.append((p, p + len(t)))
        p += len(t)
    assert "".join(toks) == norm
    masked = set()
    for tg in targets:
        a = norm.index(tg.replace(" ", SP))
        b = a + len(tg)
        for k, (s, e) in enumerate(offs):
            if s < b and e > a:
                masked.add(k)
    inp = [MASK if k in masked else i for k, i in enumerate(ids)]
    parts = []
    for k, t in enumerate(toks):
        if k in masked:
            parts.append((" " if t.startswith(SP) else "") + "[MASK]")
        else:
            parts.append(t.replace(SP, " "))
    full = [CLS] + inp + [SEP]
    return "".join(parts), full, [k + 1 for k in sorted(masked)], [ids[k] for k in sorted(masked)]


def evaluate_heldout():
    """Both trained encoders on all held-out text, single tokens and whole phrases: (models, eval, tokenizer)."""
    tk, docs, langs, ti = heldout_inputs()
    models = {m: load(m) for m in ("bert", "ernie")}
    ev = {"single_token_masking": evaluate(models, docs, langs, ti, "token"),
          "whole_phrase_masking": evaluate(models, docs, langs, ti, "phrase")}
    return models, ev, tk


def main():
    t0 = time.time()
    torch.set_num_threads(2)
    models, ev, tk = evaluate_heldout()
    print(json.dumps(ev, indent=1))
    out = {"eval": ev, "models": {}}
    for mode, model in models.items():
        name = f"tl-{mode}"
        d = os.path.join(ROOT, name)
        model.export_mode = True
        # torch check: padded batch == single; attention rows sum to 1
        a_ids = torch.tensor([[CLS] + tk.encode_plain("The cat sat.") + [SEP]])
        with torch.no_grad():
            l1, at1 = model(a_ids, torch.ones_like(a_ids))
            pad = torch.cat([a_ids, torch.ones(1, 3, dtype=torch.long)], 1)
            l2, _ = model(pad, torch.cat([torch.ones_like(a_ids), torch.zeros(1, 3, dtype=torch.long)], 1))
        checks = {"padded_vs_unpadded_max_abs_diff": float((l1 - l2[:, :a_ids.shape[1]]).abs().max()),
                  "attn_row_sum_max_err": float((torch.stack(at1).sum(-1) - 1).abs().max())}
        assert checks["padded_vs_unpadded_max_abs_diff"] < 1e-3 and checks["attn_row_sum_max_err"] < 1e-5
        onnx_info = export(model, os.path.join(d, "onnx", "model.onnx"))
        cfg = {"architectures": ["BertForMaskedLM"], "model_type": "bert", "hidden_size": CONFIG["hidden_size"],
               "num_hidden_layers": CONFIG["num_hidden_layers"], "num_attention_heads": CONFIG["num_attention_heads"],
               "intermediate_size": CONFIG["intermediate_size"], "hidden_act": "gelu_new", "vocab_size": CONFIG["vocab_size"],
               "max_position_embeddings": CONFIG["max_position_embeddings"], "type_vocab_size": CONFIG["type_vocab_size"],
               "layer_norm_eps": CONFIG["layer_norm_eps"], "position_embedding_type": "absolute",
               "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "pad_token_id": 1,
               "cls_token_id": CLS, "sep_token_id": SEP, "mask_token_id": MASK, "tie_word_embeddings": True,
               "torch_dtype": "float32", "masking": "bert-random-token" if mode == "bert" else "ernie-phrase-entity"}
        with open(os.path.join(d, "config.json"), "w") as f:
            f.write(json.dumps(cfg, indent=1) + "\n")
        ref = {"generator": "PyTorch fp32; input = [CLS] text [SEP], token_type_ids all 0, attention_mask all 1",
               "masked": []}
        for text, targets in SENTENCES:
            mt, full, pos, orig = masked_example(tk, text, targets)
            t = torch.tensor([full])
            with torch.no_grad():
                lg = model(t, torch.ones_like(t))[0][0]
            pr = torch.softmax(lg, -1)
            top = []
            for p in pos:
                v, ix = torch.topk(pr[p], 5)
                top.append([{"id": int(i), "token": tk.inv[int(i)] if int(i) in tk.inv else "", "prob": round(float(x), 6)}
                            for x, i in zip(v, ix)])
            ref["masked"].append({"text": text, "masked_text": mt, "input_ids": full, "mask_positions": pos,
                                  "original_ids": orig, "top5": top})
            print(name, mt, [[(e["token"], round(e["prob"], 3)) for e in tp[:3]] for tp in top])
        t = torch.tensor([ref["masked"][0]["input_ids"]])
        with torch.no_grad():
            lg = model(t, torch.ones_like(t))[0][0, -1]
        ref["logits_check"] = {"text": SENTENCES[0][0], "input_ids": ref["masked"][0]["input_ids"],
                               "position": t.shape[1] - 1, "first8": [round(float(v), 5) for v in lg[:8]]}
        txt = json.dumps(ref, indent=1, ensure_ascii=False)
        txt = re.sub(r"\[\s*(-?[0-9.e+-]+(?:,\s*-?[0-9.e+-]+)*)\s*\]",
                     lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", txt)
        with open(os.path.join(d, "reference.json"), "w", encoding="utf-8") as f:
            f.write(txt + "\n")
        out["models"][name] = {"params": n_params(model), "checks": checks, "onnx": onnx_info}
    out["export_time_s"] = round(time.time() - t0, 1)
    json.dump(out, open(os.path.join(WORK, "encoders_export.json"), "w"), indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
