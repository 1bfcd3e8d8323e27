"""Train tl-gpt (Llama-style decoder) on the bilingual fortunes corpus.
Writes models/.work/tl-gpt.pt and models/.work/tl-gpt_train.json (curve, held-out metrics)."""
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import EOT, WORK
from model import TLGPT, n_params

CONFIG = dict(hidden_size=128, intermediate_size=384, num_hidden_layers=4, num_attention_heads=4,
              num_key_value_heads=2, head_dim=32, vocab_size=4096, max_position_embeddings=512,
              rms_norm_eps=1e-5, rope_theta=10000.0)
SEQ, BATCH = 256, 16
STEPS = int(os.environ.get("TL_GPT_STEPS", 1600))
LR, WARMUP, MIN_LR_FRAC, WD = 3e-3, 30, 0.1, 0.1
EVAL_EVERY = 100
CURVE_EVAL_TOKENS = 4096  # per language, for the training curve (final eval uses all held-out text)
POETRY_UPSAMPLE = {"tang300": 3, "song100": 3}


def streams(corpus, ids, split):
    """Held-out: one stream per language, docs in file order, each preceded by <|endoftext|>."""
    out = {}
    for d, t in zip(corpus[split], ids[split]):
        s = out.setdefault(d["lang"], {"ids": [], "chars": 0})
        s["ids"] += [EOT] + t
        s["chars"] += len(d["text"])
    return out


def eval_stream(model, ids, seq=SEQ):
    """Sum of NLL (nats) over all targets that are not <|endoftext|>, windows of seq tokens (no overlap)."""
    ids = torch.tensor(ids + [EOT])
    n_win = (len(ids) - 1) // seq
    xs = ids[:n_win * seq].view(n_win, seq)
    ys = ids[1:n_win * seq + 1].view(n_win, seq)
    rest = (ids[n_win * seq:-1][None], ids[n_win * seq + 1:][None])
    tot, n = 0.0, 0
    model.eval()
    with torch.no_grad():
        parts = [(xs[i:i + 8], ys[i:i + 8]) for i in range(0, n_win, 8)] + ([rest] if rest[1].numel() else [])
        for x, y in parts:
            lg = model(x).float()
            nll = F.cross_entropy(lg.reshape(-1, lg.shape[-1]), y.reshape(-1), reduction="none")
            keep = y.reshape(-1) != EOT
            tot += float(nll[keep].sum())
            n += int(keep.sum())
    model.train()
    return tot, n


def main():
    torch.set_num_threads(int(os.environ.get("TL_THREADS", 2)))
    torch.manual_seed(1234)
    random.seed(1234)
    np.random.seed(1234)
    corpus = json.load(open(os.path.join(WORK, "corpus.json"), encoding="utf-8"))
    ids = json.load(open(os.path.join(WORK, "corpus_ids.json")))
    # training stream: shuffled docs (poetry upsampled), each preceded by <|endoftext|>
    docs = []
    for d, t in zip(corpus["train"], ids["train"]):
        docs += [t] * POETRY_UPSAMPLE.get(d["src"], 1)
    random.shuffle(docs)
    stream = np.fromiter((x for t in docs for x in [EOT] + t), dtype=np.int64)
    print("train stream tokens", len(stream), flush=True)
    held = streams(corpus, ids, "heldout")
    # unigram baseline (add-one smoothing) fitted on the train split
    counts = np.bincount(np.fromiter((x for t in ids["train"] for x in t), dtype=np.int64), minlength=CONFIG["vocab_size"]) + 1.0
    logp = np.log(counts / counts.sum())
    unigram = {}
    for lang, s in held.items():
        tgt = [x for x in s["ids"] if x != EOT]
        unigram[lang] = {"bits_per_char": float(-logp[tgt].sum() / math.log(2) / s["chars"]),
                         "nats_per_token": float(-logp[tgt].mean())}
    print("unigram baseline", unigram, flush=True)

    model = TLGPT(CONFIG)
    print("params", n_params(model), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    nodecay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=LR, betas=(0.9, 0.95), eps=1e-8)
    g = torch.Generator().manual_seed(99)
    curve, t0 = [], time.time()
    ema = None

    def evaluate(step, full=False):
        r = {"step": step, "train_loss_ema": ema, "time_s": round(time.time() - t0, 1),
             "eval": "all held-out text" if full else f"first {CURVE_EVAL_TOKENS} held-out tokens per language"}
        for lang, s in held.items():
            if full:
                tot, n = eval_stream(model, s["ids"])
                chars = s["chars"]
            else:
                sub = s["ids"][:CURVE_EVAL_TOKENS]
                tot, n = eval_stream(model, sub)
                chars = s["chars"] * sum(1 for x in sub if x != EOT) / sum(1 for x in s["ids"] if x != EOT)
            r[f"heldout_{lang}_nats_per_token"] = tot / n
            r[f"heldout_{lang}_nats_per_token"] = tot / n
            r[f"heldout_{lang}_bits_per_char"] = tot / math.log(2) / chars
        curve.append(r)
        print(json.dumps(r), flush=True)

    for step in range(STEPS):
        if step % EVAL_EVERY == 0:
            evaluate(step)
        lr = LR * min(1.0, (step + 1) / WARMUP)
        if step >= WARMUP:
            pr = (step - WARMUP) / max(1, STEPS - WARMUP)
            lr = LR * (MIN_LR_FRAC + (1 - MIN_LR_FRAC) * 0.5 * (1 + math.cos(math.pi * pr)))
        for gr in opt.param_groups:
            gr["lr"] = lr
        starts = torch.randint(0, len(stream) - SEQ - 1, (BATCH,), generator=g).numpy()
        batch = torch.from_numpy(np.stack([stream[s:s + SEQ + 1] for s in starts]))
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = float(loss) if ema is None else 0.95 * ema + 0.05 * float(loss)
        if step % 20 == 0:
            print(f"step {step} loss {float(loss):.4f} ema {ema:.4f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)
    evaluate(STEPS)
    train_time = time.time() - t0
    evaluate(STEPS, full=True)
    torch.save(model.state_dict(), os.path.join(WORK, "tl-gpt.pt"))
    json.dump({"config": CONFIG, "params": n_params(model), "steps": STEPS, "batch": BATCH, "seq": SEQ,
               "tokens_seen": STEPS * BATCH * SEQ, "train_stream_tokens": int(len(stream)),
               "train_time_s": round(train_time, 1), "lr": LR, "warmup": WARMUP, "weight_decay": WD,
               "unigram_baseline": unigram, "curve": curve, "final": curve[-1]},
              open(os.path.join(WORK, "tl-gpt_train.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
