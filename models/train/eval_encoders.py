"""Held-out accuracy of the trained tl-bert and tl-ernie weights (models/.work/tl-*.pt), without exporting:
single tokens and whole phrases, as export_encoders.py measures them. For comparing training runs."""
import json
import os

from common import WORK, Tokenizer
from export_encoders import evaluate, load
from masking import TokInfo


def main():
    tk = Tokenizer(os.path.join(WORK, "tokenizer.json"))
    ti = TokInfo(tk.vocab)
    corpus = json.load(open(os.path.join(WORK, "corpus.json"), encoding="utf-8"))
    ids = json.load(open(os.path.join(WORK, "corpus_ids.json")))
    models = {m: load(m) for m in ("bert", "ernie")}
    langs = [d["lang"] for d in corpus["heldout"]]
    for kind, key in (("token", "token_accuracy"), ("phrase", "unit_exact_match")):
        res = evaluate(models, ids["heldout"], langs, ti, kind)
        print(kind, {m: {lang: round(v[key], 4) for lang, v in r.items()} for m, r in res.items()}, flush=True)


if __name__ == "__main__":
    main()
