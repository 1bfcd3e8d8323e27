"""Build the bilingual corpus from Debian packages `fortunes`/`fortunes-min` (English, BSD) and
`fortunes-zh` (Chinese: modern Chinese fortunes, 300 Tang poems, 100 Song poems; GPL-3+).
Writes models/.work/corpus.json: {"train": [...], "heldout": [...]}, each doc {"text","lang","src"}.
Held-out split: crc32(text) % 100 < 4 (deterministic, by document)."""
import json
import os
import re
import zlib

from common import WORK, is_cjk

FORT = "/usr/share/games/fortunes"
EN_SKIP = {"ascii-art", "translate-me"}
ZH = ["chinese", "tang300", "song100"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def clean(doc):
    doc = ANSI.sub("", doc).replace("\t", " ").replace("\r", "")
    lines = [re.sub(r" {2,}", " ", l).strip() for l in doc.split("\n")]
    txt = "\n".join(lines)
    txt = re.sub(r"\n{3,}", "\n\n", txt).strip()
    return txt


def read_fortunes(name):
    raw = open(os.path.join(FORT, name), "rb").read().decode("utf-8", errors="replace")
    docs = re.split(r"\n%\n", "\n" + raw + "\n")
    return [d for d in (clean(x) for x in docs) if len(d) >= 8]


def main():
    os.makedirs(WORK, exist_ok=True)
    names = sorted(f for f in os.listdir(FORT) if "." not in f and f not in EN_SKIP)
    out = {"train": [], "heldout": []}
    stats = {}
    for name in names:
        docs = read_fortunes(name)
        for d in docs:
            nonspace = [c for c in d if not c.isspace()]
            cjk = sum(is_cjk(c) for c in nonspace) / max(1, len(nonspace))
            lang = "zh" if cjk > 0.3 else "en"
            if name in ZH and lang != "zh":
                continue  # a few Latin-only entries in the Chinese files
            if name not in ZH and cjk > 0.0:
                continue
            split = "heldout" if zlib.crc32(d.encode("utf-8")) % 100 < 4 else "train"
            out[split].append({"text": d, "lang": lang, "src": name})
            s = stats.setdefault(lang, {"train_docs": 0, "heldout_docs": 0, "train_chars": 0, "heldout_chars": 0})
            s[split + "_docs"] += 1
            s[split + "_chars"] += len(d)
    json.dump(out, open(os.path.join(WORK, "corpus.json"), "w", encoding="utf-8"), ensure_ascii=False)
    json.dump({"files": names, "stats": stats}, open(os.path.join(WORK, "corpus_stats.json"), "w"), indent=1)
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()
