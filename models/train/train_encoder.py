"""Train tl-bert (--mode bert) or tl-ernie (--mode ernie): identical architecture, data order, seeds
and hyper-parameters; only the masking differs (see masking.py).
Writes models/.work/tl-<mode>.pt and models/.work/tl-<mode>_train.json."""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

from common import CLS, PAD, SEP, WORK
from masking import TokInfo, mask_doc
from model import TLBert, n_params

CONFIG = dict(hidden_size=96, num_hidden_layers=3, num_attention_heads=4, intermediate_size=384,
              vocab_size=4096, max_position_embeddings=128, type_vocab_size=2, layer_norm_eps=1e-12)
SEQ, BATCH = 128, 32
STEPS = int(os.environ.get("TL_ENC_STEPS", 2000))
LR, WARMUP, WD = 3e-3, 60, 0.01


def packed_samples(docs, rng, mode, ti):
    """One epoch: shuffled docs, each masked on its own, packed as [CLS] d1 [SEP] d2 [SEP] ... (<= SEQ)."""
    order = list(range(len(docs)))
    rng.shuffle(order)
    cur_in, cur_lab = [CLS], [-100]
    for k in order:
        d = docs[k][:SEQ - 2]
        inp, lab = mask_doc(d, mode, ti, rng)
        if len(cur_in) + len(d) + 1 > SEQ:
            yield cur_in, cur_lab
            cur_in, cur_lab = [CLS], [-100]
        cur_in += inp + [SEP]
        cur_lab += lab + [-100]
    yield cur_in, cur_lab


def batches(docs, seed, mode, ti):
    rng = random.Random(seed)
    while True:
        buf = []
        for s in packed_samples(docs, rng, mode, ti):
            buf.append(s)
            if len(buf) == BATCH:
                T = max(len(x) for x, _ in buf)
                ids = torch.full((BATCH, T), PAD, dtype=torch.long)
                lab = torch.full((BATCH, T), -100, dtype=torch.long)
                am = torch.zeros((BATCH, T), dtype=torch.long)
                for b, (x, y) in enumerate(buf):
                    ids[b, :len(x)] = torch.tensor(x)
                    lab[b, :len(y)] = torch.tensor(y)
                    am[b, :len(x)] = 1
                yield ids, am, lab
                buf = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["bert", "ernie"], required=True)
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("TL_THREADS", 2)))
    torch.manual_seed(4321)
    ids = json.load(open(os.path.join(WORK, "corpus_ids.json")))
    ti = TokInfo(json.load(open(os.path.join(WORK, "tokenizer.json"), encoding="utf-8"))["model"]["vocab"])
    model = TLBert(CONFIG)
    print(args.mode, "params", n_params(model), flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    nodecay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": WD}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=LR, betas=(0.9, 0.98), eps=1e-6)
    it = batches(ids["train"], 777, args.mode, ti)
    t0, ema, curve = time.time(), None, []
    n_tok = 0
    for step in range(STEPS):
        lr = LR * min(1.0, (step + 1) / WARMUP)
        if step >= WARMUP:
            lr = LR * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - WARMUP) / (STEPS - WARMUP))))
        for g in opt.param_groups:
            g["lr"] = lr
        x, am, y = next(it)
        n_tok += int(am.sum())
        sel = y != -100
        logits, _ = model(x, am, select=sel)
        loss = F.cross_entropy(logits, y[sel])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = float(loss) if ema is None else 0.95 * ema + 0.05 * float(loss)
        if step % 20 == 0 or step == STEPS - 1:
            print(f"step {step} loss {float(loss):.4f} ema {ema:.4f} lr {lr:.2e} {time.time() - t0:.0f}s", flush=True)
            curve.append({"step": step, "mlm_loss_ema": round(ema, 4), "time_s": round(time.time() - t0, 1)})
    torch.save(model.state_dict(), os.path.join(WORK, f"tl-{args.mode}.pt"))
    json.dump({"config": CONFIG, "params": n_params(model), "mode": args.mode, "steps": STEPS, "batch": BATCH,
               "seq": SEQ, "tokens_seen": n_tok, "train_time_s": round(time.time() - t0, 1), "lr": LR,
               "warmup": WARMUP, "weight_decay": WD, "curve": curve},
              open(os.path.join(WORK, f"tl-{args.mode}_train.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
