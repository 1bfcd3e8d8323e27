"""Shared helpers for the Transformer Lab embedded models (corpus paths, tokenizer encode/decode)."""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # models/
WORK = os.path.join(ROOT, ".work")
TRAIN_DIR = os.path.join(ROOT, "train")
SP = "\u2581"  # "▁" whitespace marker (Llama / sentencepiece style)

SPECIALS = ["<|endoftext|>", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
EOT, PAD, UNK, CLS, SEP, MASK = range(6)
N_SPECIAL = len(SPECIALS)
BYTE0 = N_SPECIAL  # ids BYTE0..BYTE0+255 are <0x00>..<0xFF>


def is_cjk(ch):
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def char_class(ch):
    if ch == SP:
        return "S"
    if ch == "\n":
        return "N"
    if is_cjk(ch):
        return "H"
    if ch.isdigit():
        return "D"
    if ch.isalpha():
        return "L"
    return "P"


def chunks(norm):
    """Split normalized text into BPE training/encoding chunks: maximal runs of one
    character class (letters / CJK / punctuation; digits and newlines one by one),
    each optionally preceded by one '▁'.  No learned merge ever spans two chunks, so
    encoding chunk by chunk equals HF's whole-string BPE (checked in tokenizer.py)."""
    out = []
    i, n = 0, len(norm)
    while i < n:
        j = i
        if norm[i] == SP and i + 1 < n and norm[i + 1] != SP:
            j = i + 1
        c = char_class(norm[j])
        k = j + 1
        if c in ("L", "H", "P"):
            while k < n and char_class(norm[k]) == c:
                k += 1
        out.append(norm[i:k])
        i = k
    return out


def normalize(text):
    return text.replace(" ", SP)


class Tokenizer:
    """Python twin of models/*/tokenizer.json (HF BPE, byte_fallback, no pre-tokenizer)."""

    def __init__(self, path):
        tj = json.load(open(path, encoding="utf-8"))
        self.vocab = tj["model"]["vocab"]
        self.inv = {i: t for t, i in self.vocab.items()}
        self.ranks = {}
        for r, (a, b) in enumerate(tj["model"]["merges"]):
            self.ranks[(a, b)] = r
        self.cache = {}

    def _bpe(self, chunk):
        syms = list(chunk)
        while len(syms) > 1:
            best, bi = None, -1
            for i in range(len(syms) - 1):
                r = self.ranks.get((syms[i], syms[i + 1]))
                if r is not None and (best is None or r < best):
                    best, bi = r, i
            if bi < 0:
                break
            syms[bi:bi + 2] = [syms[bi] + syms[bi + 1]]
        ids = []
        for s in syms:
            if s in self.vocab:
                ids.append(self.vocab[s])
            else:
                ids.extend(BYTE0 + b for b in s.encode("utf-8"))
        return ids

    def encode_plain(self, text):
        ids = []
        for ch in chunks(normalize(text)):
            r = self.cache.get(ch)
            if r is None:
                r = self._bpe(ch)
                if len(self.cache) < 500000:
                    self.cache[ch] = r
            ids.extend(r)
        return ids

    def encode_whole(self, text):  # reference: whole string as one BPE word (what HF does)
        return self._bpe(normalize(text))

    def decode(self, ids, skip_special=True):
        out, buf = [], b""
        for i in ids:
            if BYTE0 <= i < BYTE0 + 256:
                buf += bytes([i - BYTE0])
                continue
            if buf:
                out.append(buf.decode("utf-8", errors="replace"))
                buf = b""
            if i < N_SPECIAL:
                if not skip_special:
                    out.append(SPECIALS[i])
                continue
            out.append(self.inv[i].replace(SP, " "))
        if buf:
            out.append(buf.decode("utf-8", errors="replace"))
        return "".join(out)
