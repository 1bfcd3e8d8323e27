"""Masking schemes for the encoders.

BERT (tl-bert): 15% of the (non-special) tokens chosen independently; of those 80% -> [MASK],
10% -> random token, 10% unchanged.

ERNIE 1.0-style (tl-ernie): the same 15% budget and 80/10/10 rule, but applied to whole units:
  * a *word* is a run of tokens without a leading '▁' continuing a letter/digit run
    (so multi-token English words such as "▁phil" "osophy" are masked together);
  * English *entities*: runs of >= 2 consecutive Capitalized words ("Mark Twain", "New York") are one unit;
  * English *phrases*: otherwise, with probability 0.5 a unit is a 2-3 word n-gram of consecutive words;
  * Chinese *phrases*: runs of CJK tokens (between punctuation) are cut into spans of 2-4 tokens
    (lengths drawn 2:50%, 3:25%, 4:25%), approximating Chinese words/phrases (poetry lines are 5/7
    characters = 2+3 / 2+2+3); a span of 1 is left only at the end of a run;
  * punctuation / newline / byte-fallback pieces are single units (byte pieces of one character join).
Units are drawn in random order until 15% of the tokens are covered."""
import random

from common import MASK, N_SPECIAL, SP, char_class

VOCAB = 4096


class TokInfo:
    def __init__(self, vocab):
        inv = {i: t for t, i in vocab.items()}
        self.lead = {}   # id -> has leading ▁
        self.first = {}  # class of first non-▁ char
        self.last = {}
        for i, t in inv.items():
            if i < N_SPECIAL:
                self.lead[i], self.first[i], self.last[i] = True, "X", "X"
            elif i < N_SPECIAL + 256:
                self.lead[i], self.first[i], self.last[i] = False, "B", "B"
            else:
                body = t[1:] if t.startswith(SP) and len(t) > 1 else t
                self.lead[i] = t.startswith(SP)
                self.first[i] = char_class(body[0])
                self.last[i] = char_class(body[-1])
        self.inv = inv


def atoms(ids, ti):
    """Split a token list into word atoms: list of (start, end, kind) with kind in L/D/H/P/B/S/N/X."""
    out = []
    for i, t in enumerate(ids):
        f = ti.first[t]
        if out and not ti.lead[t]:
            s, e, k = out[-1]
            if (f in ("L", "D") and ti.last[ids[i - 1]] == f) or (f == "B" and k == "B"):
                out[-1] = (s, i + 1, k)
                continue
        out.append((i, i + 1, f))
    return out


def ernie_units(ids, ti, rng):
    """Group atoms into ERNIE masking units (see module doc)."""
    at = atoms(ids, ti)
    units, i = [], 0
    while i < len(at):
        s, e, k = at[i]
        if k == "H":
            j = i
            while j < len(at) and at[j][2] == "H":
                j += 1
            run = at[i:j]
            p = 0
            while p < len(run):
                r = len(run) - p
                n = rng.choices((2, 3, 4), (2, 1, 1))[0]
                if r - n == 1:  # never leave a single character behind
                    n = n + 1 if n < 4 else n - 1
                n = min(n, r)
                units.append((run[p][0], run[p + n - 1][1]))
                p += n
            i = j
            continue
        if k == "L":
            j = i
            while j < len(at) and at[j][2] == "L":
                j += 1
            run = at[i:j]
            cap = [ti.inv[ids[a[0]]].lstrip(SP)[:1].isupper() for a in run]
            p = 0
            while p < len(run):
                q = p
                while q < len(run) and cap[q]:
                    q += 1
                if q - p >= 2:  # capitalized entity
                    units.append((run[p][0], run[q - 1][1]))
                    p = q
                    continue
                # phrase: 1 word, or (p=0.5) a 2-3 word n-gram that does not run into an entity
                lim = p + 1
                while lim < len(run) and lim - p < 3 and not (cap[lim] and lim + 1 < len(run) and cap[lim + 1]):
                    lim += 1
                n = rng.choice((2, 3)) if rng.random() < 0.5 else 1
                n = max(1, min(n, lim - p))
                units.append((run[p][0], run[p + n - 1][1]))
                p += n
            i = j
            continue
        units.append((s, e))
        i += 1
    return units


def apply_mask(ids, units, rng, budget=0.15, rule=(0.8, 0.1, 0.1), special=None):
    """ids: list (may contain specials, which are never masked: pass their positions in `special`).
    Returns (input_ids, labels) with labels = -100 where not predicted."""
    n_tok = sum(1 for i in range(len(ids)) if not (special and i in special))
    target = max(1, round(n_tok * budget))
    order = list(range(len(units)))
    rng.shuffle(order)
    inp, lab = list(ids), [-100] * len(ids)
    covered = 0
    for u in order:
        s, e = units[u]
        if covered >= target:
            break
        if covered + (e - s) > target + 1 and covered > 0:
            continue
        r = rng.random()
        for p in range(s, e):
            lab[p] = ids[p]
            if r < rule[0]:
                inp[p] = MASK
            elif r < rule[0] + rule[1]:
                inp[p] = rng.randrange(N_SPECIAL + 256, VOCAB)
        covered += e - s
    return inp, lab


def bert_units(ids):
    return [(i, i + 1) for i in range(len(ids))]


def mask_doc(ids, mode, ti, rng, rule=(0.8, 0.1, 0.1), min_unit=1):
    """ids: plain token ids of one text (no specials). Returns (inp, labels, units_used)."""
    units = bert_units(ids) if mode == "bert" else ernie_units(ids, ti, rng)
    if min_unit > 1:
        units = [u for u in units if u[1] - u[0] >= min_unit]
        if not units:
            return None
    return apply_mask(ids, units, rng, rule=rule)
