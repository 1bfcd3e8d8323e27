"""Writes models/.work/heldout_samples.json: the held-out masked inputs of both kinds (heldout.py), encoded with the
shipped tokenizer, for eval_onnx_encoders.mjs. Needs models/.work/corpus.json (corpus.py)."""
import json
import os

from common import ROOT, WORK
from heldout import KINDS, heldout_inputs, masked_samples


def main():
    _, docs, langs, ti = heldout_inputs(os.path.join(ROOT, "tl-gpt", "tokenizer.json"))
    out = {name: [{"lang": lang, "input_ids": inp, "labels": lab, "spans": spans}
                  for lang, inp, lab, spans in masked_samples(docs, langs, ti, kind)]
           for name, kind in KINDS.items()}
    with open(os.path.join(WORK, "heldout_samples.json"), "w") as f:
        json.dump(out, f)
    print({name: len(s) for name, s in out.items()})


if __name__ == "__main__":
    main()
