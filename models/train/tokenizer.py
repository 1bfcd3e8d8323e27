"""Train the shared byte-fallback BPE tokenizer (vocab 4096) on the train split and write HF
tokenizer.json / tokenizer_config.json for the decoder and the encoders.

Layout: 0 <|endoftext|> 1 [PAD] 2 [UNK] 3 [CLS] 4 [SEP] 5 [MASK]; 6..261 byte tokens <0x00>..<0xFF>;
then the character alphabet (the 2304 most frequent characters of train, each seen >= 3 times);
then BPE merges.  Normalizer: Replace ' ' -> '▁' (no prefix space).  No pre-tokenizer.
Deterministic: ties broken by (count, token ids)."""
import collections
import heapq
import json
import os
import sys

from common import (BYTE0, CLS, EOT, MASK, N_SPECIAL, PAD, SEP, SP, SPECIALS, UNK, WORK, Tokenizer,
                    chunks, normalize)

VOCAB = 4096
MIN_CHAR = 3
MAX_ALPHABET = 2304  # most frequent characters; rarer ones use byte fallback


def train(docs):
    chunk_counts = collections.Counter()
    char_counts = collections.Counter()
    for d in docs:
        n = normalize(d)
        char_counts.update(n)
        chunk_counts.update(chunks(n))
    chars = [c for c, k in sorted(char_counts.items(), key=lambda x: (-x[1], x[0])) if k >= MIN_CHAR][:MAX_ALPHABET]
    tokens = list(chars)
    tid = {c: i for i, c in enumerate(tokens)}
    words, freqs = [], []
    for w, f in chunk_counts.items():
        words.append([tid.get(c, -1) for c in w])
        freqs.append(f)
    pair_cnt = collections.defaultdict(int)
    where = collections.defaultdict(set)
    for wi, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            if a >= 0 and b >= 0:
                pair_cnt[(a, b)] += freqs[wi]
                where[(a, b)].add(wi)
    heap = [(-c, a, b) for (a, b), c in pair_cnt.items()]
    heapq.heapify(heap)
    merges = []
    n_merges = VOCAB - N_SPECIAL - 256 - len(tokens)
    while len(merges) < n_merges and heap:
        c, a, b = heapq.heappop(heap)
        if pair_cnt.get((a, b), 0) != -c or c == 0:
            continue
        new = len(tokens)
        tokens.append(tokens[a] + tokens[b])
        merges.append((a, b))
        changed = collections.defaultdict(int)
        for wi in list(where[(a, b)]):
            w, f = words[wi], freqs[wi]
            for x, y in zip(w, w[1:]):
                if x >= 0 and y >= 0:
                    changed[(x, y)] -= f
            i, nw = 0, []
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    nw.append(new)
                    i += 2
                else:
                    nw.append(w[i])
                    i += 1
            words[wi] = nw
            for x, y in zip(nw, nw[1:]):
                if x >= 0 and y >= 0:
                    changed[(x, y)] += f
                    where[(x, y)].add(wi)
        for p, dc in changed.items():
            if dc:
                pair_cnt[p] += dc
                heapq.heappush(heap, (-pair_cnt[p], p[0], p[1]))
        pair_cnt.pop((a, b), None)
        where.pop((a, b), None)
    return chars, tokens, [(tokens[a], tokens[b]) for a, b in merges]


def added(i, t):
    return {"id": i, "content": t, "single_word": False, "lstrip": t == "[MASK]", "rstrip": False,
            "normalized": False, "special": True}


def tokenizer_json(tokens, merges, kind):
    vocab = {t: i for i, t in enumerate(SPECIALS)}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = BYTE0 + b
    for t in tokens:
        assert t not in vocab, t
        vocab[t] = len(vocab)
    if kind == "decoder":
        post = {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "<|endoftext|>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [EOT], "tokens": ["<|endoftext|>"]}}}
    else:
        post = {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                         {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [CLS], "tokens": ["[CLS]"]},
                                   "[SEP]": {"id": "[SEP]", "ids": [SEP], "tokens": ["[SEP]"]}}}
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(i, t) for i, t in enumerate(SPECIALS)],
        "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": SP},
        "pre_tokenizer": None,
        "post_processor": post,
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": SP}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "[UNK]", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": True, "ignore_merges": False,
                  "vocab": vocab, "merges": [[a, b] for a, b in merges]},
    }


def tokenizer_config(kind):
    dec = {str(i): {k: v for k, v in added(i, t).items() if k != "id"} for i, t in enumerate(SPECIALS)}
    common = {"added_tokens_decoder": dec, "clean_up_tokenization_spaces": False, "model_max_length": 512,
              "unk_token": "[UNK]", "pad_token": "[PAD]"}
    if kind == "decoder":
        return {"tokenizer_class": "LlamaTokenizer", "legacy": True, "add_bos_token": True, "add_eos_token": False,
                "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "padding_side": "left",
                "spaces_between_special_tokens": False, "sp_model_kwargs": {}, **common}
    return {"tokenizer_class": "BertTokenizer", "do_lower_case": False, "cls_token": "[CLS]", "sep_token": "[SEP]",
            "mask_token": "[MASK]", "bos_token": "[CLS]", "eos_token": "[SEP]", **common,
            "model_max_length": 128}


def dump(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1 if "config" in os.path.basename(path) else None)
        f.write("\n")


def main():
    corpus = json.load(open(os.path.join(WORK, "corpus.json"), encoding="utf-8"))
    docs = [d["text"] for d in corpus["train"]]
    chars, tokens, merges = train(docs)
    print("alphabet", len(chars), "merges", len(merges), "vocab", N_SPECIAL + 256 + len(tokens))
    dec_tj = tokenizer_json(tokens, merges, "decoder")
    enc_tj = tokenizer_json(tokens, merges, "encoder")
    root = os.path.dirname(WORK)
    dump(dec_tj, os.path.join(WORK, "tokenizer.json"))
    dump(dec_tj, os.path.join(root, "tl-gpt", "tokenizer.json"))
    dump(tokenizer_config("decoder"), os.path.join(root, "tl-gpt", "tokenizer_config.json"))
    for m in ("tl-bert", "tl-ernie"):
        dump(enc_tj, os.path.join(root, m, "tokenizer.json"))
        dump(tokenizer_config("encoder"), os.path.join(root, m, "tokenizer_config.json"))
    # encode corpus (ids only, no specials) and check chunked encode == whole-string HF-style BPE
    tk = Tokenizer(os.path.join(WORK, "tokenizer.json"))
    enc = {}
    stats = {}
    for split in ("train", "heldout"):
        enc[split] = []
        for i, d in enumerate(corpus[split]):
            ids = tk.encode_plain(d["text"])
            if split == "heldout" or i % 40 == 0:
                assert ids == tk.encode_whole(d["text"]), d["text"]
                assert tk.decode(ids) == d["text"], d["text"]
            enc[split].append(ids)
            s = stats.setdefault(d["lang"] + "_" + split, [0, 0])
            s[0] += len(ids)
            s[1] += len(d["text"])
    for k, (nt, nc) in stats.items():
        print(k, "tokens", nt, "chars", nc, "chars/token %.2f" % (nc / nt))
    json.dump(enc, open(os.path.join(WORK, "corpus_ids.json"), "w"))
    # cases for the JS check (verify_tokenizer.mjs): held-out docs + odd strings
    fuzz = ["Hello, world!", "  two  spaces ", "tab\there", "line\nbreak\n", "emoji 🙂 ok", "Ünïcödé café",
            "床前明月光，疑是地上霜。", "中文 and English 混合 text 123", "𠀀 rare 龘 chars", "", " ", "a",
            "The quick brown fox jumps over the lazy dog.", "1234567890", "!!!???...", "ﾊﾝｶｸ ｶﾀｶﾅ"]
    cases = [d["text"] for d in corpus["heldout"][::3]] + fuzz
    json.dump([{"text": t, "ids": tk.encode_plain(t)} for t in cases],
              open(os.path.join(WORK, "tok_cases.json"), "w"), ensure_ascii=False)
    json.dump({k: {"tokens": v[0], "chars": v[1]} for k, v in stats.items()},
              open(os.path.join(WORK, "token_stats.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
