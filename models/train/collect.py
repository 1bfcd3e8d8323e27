"""Collect the measured numbers into models/train/metrics.json and draw models/tl-gpt/training_curve.svg."""
import json
import os

from common import ROOT, TRAIN_DIR, WORK


def load(name):
    p = os.path.join(WORK, name)
    return json.load(open(p, encoding="utf-8")) if os.path.exists(p) else None


def svg_curve(curve, path):
    W, H, L, B, R, T = 560, 300, 50, 40, 150, 15
    pts = [c for c in curve if c.get("train_loss_ema") is not None]
    series = {"train loss (EMA, nats/token)": ("train_loss_ema", "#444"),
              "held-out English (nats/token)": ("heldout_en_nats_per_token", "#1f77b4"),
              "held-out Chinese (nats/token)": ("heldout_zh_nats_per_token", "#d62728")}
    allv = [c[k] for c in curve for k, _ in series.values() if c.get(k) is not None]
    ymin, ymax = min(allv) - 0.2, max(allv) + 0.2
    smax = max(c["step"] for c in curve)
    X = lambda s: L + (W - L - R) * s / smax
    Y = lambda v: T + (H - T - B) * (ymax - v) / (ymax - ymin)
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
         f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
         f'<text x="{(L + W - R) / 2}" y="{H - 8}" text-anchor="middle">training step</text>']
    for k in range(5):
        v = ymin + (ymax - ymin) * k / 4
        o.append(f'<text x="{L - 5}" y="{Y(v) + 4:.1f}" text-anchor="end">{v:.1f}</text>')
        o.append(f'<line x1="{L}" y1="{Y(v):.1f}" x2="{W - R}" y2="{Y(v):.1f}" stroke="#eee"/>')
    for k in range(5):
        s = smax * k / 4
        o.append(f'<text x="{X(s):.1f}" y="{H - B + 14}" text-anchor="middle">{int(s)}</text>')
    for i, (label, (key, col)) in enumerate(series.items()):
        ps = [(c["step"], c[key]) for c in curve if c.get(key) is not None and c.get("eval", "").startswith("first")]
        if key == "train_loss_ema":
            ps = [(c["step"], c[key]) for c in pts]
        o.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
            col, " ".join(f"{X(s):.1f},{Y(v):.1f}" for s, v in ps)))
        o.append(f'<rect x="{W - R + 8}" y="{T + 16 * i}" width="10" height="3" fill="{col}"/>')
        o.append(f'<text x="{W - R + 22}" y="{T + 16 * i + 5}" font-size="9">{label}</text>')
    o.append("</svg>")
    open(path, "w").write("\n".join(o) + "\n")


def main():
    import cards
    build()
    cards.main()
    build()  # again, so that file sizes include the model cards
    cards.main()


def build():
    gtr, gex, enc = load("tl-gpt_train.json"), load("tl-gpt_export.json"), load("encoders_export.json")
    # Retraining only the encoders (rebuild.sh --encoders) leaves no tl-gpt files in .work: keep its recorded numbers.
    previous = json.load(open(os.path.join(TRAIN_DIR, "metrics.json"), encoding="utf-8")) if gtr is None else None
    timings = {}
    tp = os.path.join(WORK, "logs", "timings.txt")
    if os.path.exists(tp):
        for line in open(tp):
            k, v = line.split()
            timings[k] = int(v)
    if previous:
        timings = previous["timings_s"]
    sizes = {}
    for d, _, files in os.walk(ROOT):
        if "/.work" in d or "/train" in d:
            continue
        for f in files:
            p = os.path.join(d, f)
            sizes[os.path.relpath(p, ROOT)] = os.path.getsize(p)
    m = {
        "corpus": load("corpus_stats.json"), "tokens": load("token_stats.json"),
        "tl-gpt": previous["tl-gpt"] if previous else {"params": gtr["params"], "config": gtr["config"], "steps": gtr["steps"], "batch": gtr["batch"],
                   "seq": gtr["seq"], "tokens_seen": gtr["tokens_seen"], "train_stream_tokens": gtr["train_stream_tokens"], "train_time_s": gtr["train_time_s"],
                   "heldout_final": gtr["final"], "unigram_baseline": gtr["unigram_baseline"],
                   "curve": gtr["curve"], "checks": gex["checks"], "samples": gex["samples"]},
        "encoder_training": {"device": os.environ.get("TL_DEVICE", "cpu"), "ernie_basic_stage": float(os.environ.get("TL_ERNIE_BASIC", "0.4"))},
        "encoders": {k: v for k, v in enc["models"].items()},
        "encoder_eval": enc["eval"],
        "timings_s": timings, "file_bytes": sizes,
        "embedded_models_total_bytes": sum(v for k, v in sizes.items() if not k.startswith("train")),
    }
    for mode in ("bert", "ernie"):
        t = load(f"tl-{mode}_train.json")
        m["encoders"][f"tl-{mode}"].update({"steps": t["steps"], "batch": t["batch"], "seq": t["seq"],
                                            "tokens_seen": t["tokens_seen"], "train_time_s": t["train_time_s"],
                                            "final_mlm_loss_ema": t["curve"][-1]["mlm_loss_ema"], "config": t["config"]})
    json.dump(m, open(os.path.join(TRAIN_DIR, "metrics.json"), "w"), indent=1, ensure_ascii=False)
    if gtr is not None:
        svg_curve(gtr["curve"], os.path.join(ROOT, "tl-gpt", "training_curve.svg"))
    print(json.dumps({k: m[k] for k in ("timings_s", "embedded_models_total_bytes", "encoder_eval")}, indent=1))
    print(json.dumps(m["tl-gpt"]["heldout_final"], indent=1), json.dumps(m["tl-gpt"]["unigram_baseline"]))


if __name__ == "__main__":
    main()
