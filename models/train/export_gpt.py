"""Export tl-gpt to ONNX (KV-cache graph), check the torch KV-cache path against full-sequence logits, and write
config/generation_config/reference.json, and the attention probabilities the app's graph pass must reproduce
(test/fixtures/tl-gpt-attention.json: no separate attention graph is shipped)."""
import json
import os
import time

import numpy as np
import onnx
import torch

from common import EOT, ROOT, WORK, Tokenizer
from model import ExportKV, TLGPT, n_params
from train_gpt import CONFIG

OUT = os.path.join(ROOT, "tl-gpt")
PROMPTS = ["The best way to", "Computers are", "明月几时有？", "人生在世，"]
N_NEW = 40
# The ids test/unit/expose-attention.test.ts runs through the app's attention pass.
ATTENTION_IDS = [1, 87, 412, 9, 250, 33, 1021, 5]
ATTENTION_FIXTURE = os.path.join(ROOT, "..", "test", "fixtures", "tl-gpt-attention.json")


def past_zeros(c, B=1, P=0):
    return [torch.zeros(B, c["num_key_value_heads"], P, c["head_dim"]) for _ in range(2 * c["num_hidden_layers"])]


def run_kv(model, ids_list, n_new):
    """Greedy with KV cache: prefill the prompt, then one token per step. Returns new ids and step logits."""
    c = model.c
    ids = torch.tensor([ids_list])
    T = ids.shape[1]
    with torch.no_grad():
        logits, presents, _ = model.core(ids, torch.ones(1, T, dtype=torch.long), torch.arange(T)[None], past_zeros(c))
        out, step_logits = [], [logits[0, -1]]
        past = presents
        for k in range(n_new):
            nxt = int(torch.argmax(step_logits[-1]))
            out.append(nxt)
            if k == n_new - 1:
                break
            S = T + k + 1
            logits, past, _ = model.core(torch.tensor([[nxt]]), torch.ones(1, S, dtype=torch.long),
                                         torch.tensor([[S - 1]]), past)
            step_logits.append(logits[0, -1])
    return out, step_logits


def export(model, path):
    c = model.c
    L = c["num_hidden_layers"]
    B, T, P = 2, 3, 4
    ids = torch.randint(0, c["vocab_size"], (B, T))
    am = torch.ones(B, P + T, dtype=torch.long)
    pos = torch.arange(P, P + T)[None].expand(B, T).contiguous()
    args = (ids, am, pos, *[torch.randn(B, c["num_key_value_heads"], P, c["head_dim"]) for _ in range(2 * L)])
    ins = ["input_ids", "attention_mask", "position_ids"]
    dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
           "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
           "position_ids": {0: "batch_size", 1: "sequence_length"},
           "logits": {0: "batch_size", 1: "sequence_length"}}
    outs = ["logits"]
    for l in range(L):
        for t in ("key", "value"):
            ins.append(f"past_key_values.{l}.{t}")
            dyn[ins[-1]] = {0: "batch_size", 2: "past_sequence_length"}
            outs.append(f"present.{l}.{t}")
            dyn[outs[-1]] = {0: "batch_size", 2: "total_sequence_length"}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(ExportKV(model), args, path, input_names=ins, output_names=outs, dynamic_axes=dyn,
                          opset_version=14, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    return {"file": os.path.relpath(path, ROOT), "bytes": os.path.getsize(path), "opset": 14, "ops": ops,
            "inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output]}


def attention_reference(model):
    """Every layer's and head's attention probabilities on ATTENTION_IDS (row-major T x T), each position's argmax
    and first 16 logits: what the KV-cache graph, its Softmax outputs exposed at load, must give."""
    T = len(ATTENTION_IDS)
    with torch.no_grad():
        logits, _, attns = model.core(torch.tensor([ATTENTION_IDS]), torch.ones(1, T, dtype=torch.long), torch.arange(T)[None])
    return {"generator": "PyTorch fp32, full sequence, no KV cache", "input_ids": ATTENTION_IDS,
            "layers": [[[round(float(p), 7) for p in head.reshape(-1)] for head in a[0]] for a in attns],
            "argmax": [int(i) for i in logits[0].argmax(-1)],
            "logits_first16": [[round(float(v), 5) for v in row[:16]] for row in logits[0]]}


def main():
    t0 = time.time()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = TLGPT(CONFIG)
    model.load_state_dict(torch.load(os.path.join(WORK, "tl-gpt.pt")))
    model.eval()
    model.export_mode = True
    tk = Tokenizer(os.path.join(OUT, "tokenizer.json"))
    c = CONFIG
    # ---- torch checks: prefill + 1-token steps == full-sequence logits; left padding; attention rows
    checks = {}
    ids = [EOT] + tk.encode_plain("A penny saved is a penny earned. 床前明月光，疑是地上霜。")
    new, step_logits = run_kv(model, ids, 12)
    full = ids + new
    with torch.no_grad():
        lg_full = model.core(torch.tensor([full]), torch.ones(1, len(full), dtype=torch.long),
                             torch.arange(len(full))[None])[0][0]
    d = max(float((step_logits[k] - lg_full[len(ids) - 1 + k]).abs().max()) for k in range(len(step_logits)))
    checks["kv_steps_vs_full_max_abs_diff"] = d
    assert d < 1e-3, d
    # attention graph path: rows sum to 1, zero above the diagonal
    with torch.no_grad():
        lg_a, _, attns = model.core(torch.tensor([full]), torch.ones(1, len(full), dtype=torch.long),
                                    torch.arange(len(full))[None])
    a = torch.stack(attns)
    checks["attn_row_sum_max_err"] = float((a.sum(-1) - 1).abs().max())
    checks["attn_above_diag_max"] = float(torch.triu(a, diagonal=1).abs().max())
    assert checks["attn_row_sum_max_err"] < 1e-5 and checks["attn_above_diag_max"] == 0.0
    # left-padded batch of 2 == batch of 1
    p1, p2 = [EOT] + tk.encode_plain("Computers are"), [EOT] + tk.encode_plain("The best way to win")
    Tm = max(len(p1), len(p2))
    bi = torch.tensor([[EOT] * (Tm - len(p1)) + p1, [EOT] * (Tm - len(p2)) + p2])
    bm = torch.tensor([[0] * (Tm - len(p1)) + [1] * len(p1), [0] * (Tm - len(p2)) + [1] * len(p2)])
    bp = (bm.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        lb = model.core(bi, bm, bp, past_zeros(c, 2))[0]
        l1 = model.core(torch.tensor([p1]), torch.ones(1, len(p1), dtype=torch.long), torch.arange(len(p1))[None])[0]
    checks["left_pad_vs_single_max_abs_diff"] = float((lb[0, -1] - l1[0, -1]).abs().max())
    assert checks["left_pad_vs_single_max_abs_diff"] < 1e-3
    print("checks", checks)

    # ---- export
    files = [export(model, os.path.join(OUT, "onnx", "model.onnx"))]
    with open(ATTENTION_FIXTURE, "w") as f:
        json.dump(attention_reference(model), f, separators=(",", ":"))
        f.write("\n")
    print(json.dumps(files, indent=1))

    # ---- config files
    hf = {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
          "hidden_size": c["hidden_size"], "intermediate_size": c["intermediate_size"],
          "num_hidden_layers": c["num_hidden_layers"], "num_attention_heads": c["num_attention_heads"],
          "num_key_value_heads": c["num_key_value_heads"], "head_dim": c["head_dim"], "vocab_size": c["vocab_size"],
          "max_position_embeddings": c["max_position_embeddings"], "rms_norm_eps": c["rms_norm_eps"],
          "rope_theta": c["rope_theta"], "hidden_act": "silu", "attention_bias": False, "mlp_bias": False,
          "bos_token_id": EOT, "eos_token_id": EOT, "pad_token_id": 1, "tie_word_embeddings": True,
          "torch_dtype": "float32", "use_cache": True}
    dump(hf, "config.json")
    dump({"bos_token_id": EOT, "eos_token_id": EOT, "pad_token_id": 1, "max_length": c["max_position_embeddings"],
          "do_sample": True, "temperature": 0.8, "top_k": 40}, "generation_config.json")

    # ---- reference vectors (fp32 torch, KV-cache path, greedy, no early stop)
    ref = {"generator": "PyTorch fp32, KV-cache path (prefill prompt, then 1 token per step), argmax, no early stop",
           "n_new_tokens": N_NEW, "bos_prepended": True, "greedy": []}
    for p in PROMPTS:
        pids = [EOT] + tk.encode_plain(p)
        new, lg = run_kv(model, pids, N_NEW)
        ref["greedy"].append({"prompt": p, "prompt_ids": pids, "new_ids": new, "new_text": tk.decode(new)})
        print(repr(p), "->", repr(tk.decode(new)))
    p = PROMPTS[0]
    pids = [EOT] + tk.encode_plain(p)
    with torch.no_grad():
        lg = model.core(torch.tensor([pids]), torch.ones(1, len(pids), dtype=torch.long), torch.arange(len(pids))[None])[0][0, -1]
    ref["logits_check"] = {"prompt": p, "prompt_ids": pids, "position": len(pids) - 1,
                           "first8": [round(float(v), 5) for v in lg[:8]], "argmax": int(lg.argmax())}
    # sample texts for the model card (seeded sampling, T=0.8, top-k 40)
    g = torch.Generator().manual_seed(7)
    samples = []
    for p in ["", "Love is", "山中"]:
        ids = [EOT] + tk.encode_plain(p)
        with torch.no_grad():
            for _ in range(60):
                lg = model.core(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long), torch.arange(len(ids))[None])[0][0, -1]
                v, ix = torch.topk(lg / 0.8, 40)
                nxt = int(ix[torch.multinomial(torch.softmax(v, -1), 1, generator=g)])
                if nxt == EOT:
                    break
                ids.append(nxt)
        samples.append({"prompt": p, "text": tk.decode(ids)})
    dump(ref, "reference.json", compact=True)
    json.dump({"params": n_params(model), "checks": checks, "onnx": files, "samples": samples,
               "export_time_s": round(time.time() - t0, 1)},
              open(os.path.join(WORK, "tl-gpt_export.json"), "w"), indent=1, ensure_ascii=False)
    print(json.dumps(samples, ensure_ascii=False, indent=1))


def dump(obj, name, compact=False):
    import re
    txt = json.dumps(obj, indent=1, ensure_ascii=False)
    if compact:
        txt = re.sub(r"\[\s*(-?[0-9.e+-]+(?:,\s*-?[0-9.e+-]+)*)\s*\]",
                     lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", txt)
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        f.write(txt + "\n")


if __name__ == "__main__":
    main()
