"""Held-out accuracy of the trained tl-bert and tl-ernie weights (models/.work/tl-*.pt), without exporting:
single tokens and whole phrases, as export_encoders.py measures them. For comparing training runs."""
from export_encoders import evaluate_heldout


def main():
    _, ev, _ = evaluate_heldout()
    for kind, key in (("single_token_masking", "token_accuracy"), ("whole_phrase_masking", "unit_exact_match")):
        print(kind, {m: {lang: round(v[key], 4) for lang, v in r.items()} for m, r in ev[kind].items()}, flush=True)


if __name__ == "__main__":
    main()
