"""PyTorch definitions of the three embedded models (training + ONNX export forwards)."""
import math

import torch
import torch.nn.functional as F
from torch import nn

NEG = torch.finfo(torch.float32).min


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        xf = x.float()
        return (self.weight * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps))).to(x.dtype)


def rot_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class LlamaBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, nh, nkv, hd, ff = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"], c["intermediate_size"]
        self.nh, self.nkv, self.hd = nh, nkv, hd
        self.attn_norm = RMSNorm(d, c["rms_norm_eps"])
        self.q = nn.Linear(d, nh * hd, bias=False)
        self.k = nn.Linear(d, nkv * hd, bias=False)
        self.v = nn.Linear(d, nkv * hd, bias=False)
        self.o = nn.Linear(nh * hd, d, bias=False)
        self.ffn_norm = RMSNorm(d, c["rms_norm_eps"])
        self.gate = nn.Linear(d, ff, bias=False)
        self.up = nn.Linear(d, ff, bias=False)
        self.down = nn.Linear(ff, d, bias=False)

    def forward(self, x, cos, sin, allowed, past_k=None, past_v=None):
        """x [B,T,D]; cos/sin [B,1,T,hd]; allowed bool [B,1,1,T,S]. Returns x, k, v (k after RoPE), attn probs."""
        B, T, _ = x.shape
        h = self.attn_norm(x)
        q = self.q(h).view(B, T, self.nh, self.hd).transpose(1, 2)
        k = self.k(h).view(B, T, self.nkv, self.hd).transpose(1, 2)
        v = self.v(h).view(B, T, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rot_half(q) * sin
        k = k * cos + rot_half(k) * sin
        if past_k is not None:
            k = torch.cat((past_k, k), dim=2)
            v = torch.cat((past_v, v), dim=2)
        rep = self.nh // self.nkv
        qg = q.reshape(B, self.nkv, rep, T, self.hd)
        sc = torch.matmul(qg, k.unsqueeze(2).transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))  # [B,kv,rep,T,S]
        sc = torch.where(allowed, sc, torch.full((), NEG, dtype=sc.dtype) if sc.dtype == torch.float32 else torch.full((), -1e4, dtype=sc.dtype))
        a = torch.softmax(sc.float(), dim=-1).to(v.dtype)
        o = torch.matmul(a, v.unsqueeze(2)).reshape(B, self.nh, T, self.hd).transpose(1, 2).reshape(B, T, self.nh * self.hd)
        x = x + self.o(o)
        h = self.ffn_norm(x)
        x = x + self.down(F.silu(self.gate(h)) * self.up(h))
        return x, k, v, a


class TLGPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList([LlamaBlock(c) for _ in range(c["num_hidden_layers"])])
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        hd = c["head_dim"]
        inv = 1.0 / torch.pow(torch.tensor(c["rope_theta"]), torch.arange(0, hd, 2, dtype=torch.float32) / hd)
        self.register_buffer("inv_freq", inv, persistent=False)
        self.apply(self._init)
        for l in self.layers:  # scaled init of residual projections
            nn.init.normal_(l.o.weight, std=0.02 / math.sqrt(2 * c["num_hidden_layers"]))
            nn.init.normal_(l.down.weight, std=0.02 / math.sqrt(2 * c["num_hidden_layers"]))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def rope(self, position_ids):
        f = position_ids.to(torch.float32).unsqueeze(-1) * self.inv_freq
        emb = torch.cat((f, f), dim=-1)
        return emb.cos().unsqueeze(1), emb.sin().unsqueeze(1)

    def core(self, input_ids, attention_mask, position_ids, past=None):
        B, T = input_ids.shape[0], input_ids.shape[1]
        x = self.embed(input_ids)
        cos, sin = self.rope(position_ids)
        S = attention_mask.shape[1]
        P = S - T
        q_idx = torch.arange(T).unsqueeze(1) + P
        k_idx = torch.arange(S).unsqueeze(0)
        allowed = ((k_idx <= q_idx).unsqueeze(0) & (attention_mask > 0)[:, None, :]).unsqueeze(1).unsqueeze(1)
        presents, attns = [], []
        for i, blk in enumerate(self.layers):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, k, v, a = blk(x, cos.to(x.dtype), sin.to(x.dtype), allowed, pk, pv)
            presents += [k, v]
            attns.append(a.reshape(B, blk.nh, T, S))
        x = self.norm(x)
        if getattr(self, "export_mode", False):  # W[V,D] @ x^T keeps ONE embedding initializer in the graph
            logits = torch.matmul(self.embed.weight, x.transpose(1, 2)).transpose(1, 2)
        else:
            logits = torch.matmul(x, self.embed.weight.to(x.dtype).t())
        return logits, presents, attns

    def forward(self, input_ids):  # training: [B,T] -> logits
        B, T = input_ids.shape
        am = torch.ones(B, T, dtype=torch.int64)
        pos = torch.arange(T).unsqueeze(0).expand(B, T)
        return self.core(input_ids, am, pos)[0]


class ExportKV(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *past):
        logits, presents, _ = self.m.core(input_ids, attention_mask, position_ids, list(past))
        return (logits, *presents)


class ExportAttn(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids):
        logits, _, attns = self.m.core(input_ids, attention_mask, position_ids, None)
        return (logits, *attns)


# ---------------------------------------------------------------------------------------------
class BertLayer(nn.Module):
    """Pre-LN BERT layer (LayerNorm before attention / MLP; trains faster than post-LN at this size), GELU(tanh) MLP."""

    def __init__(self, c):
        super().__init__()
        d, self.nh = c["hidden_size"], c["num_attention_heads"]
        self.hd = d // self.nh
        self.ln1 = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.qkv = nn.Linear(d, 3 * d)
        self.o = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.fc1 = nn.Linear(d, c["intermediate_size"])
        self.fc2 = nn.Linear(c["intermediate_size"], d)

    def forward(self, x, allowed):
        B, T, D = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(B, T, 3, self.nh, self.hd).permute(2, 0, 3, 1, 4)
        sc = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))
        sc = torch.where(allowed, sc.float(), torch.full((), NEG))
        a = torch.softmax(sc, dim=-1)
        o = torch.matmul(a.to(v.dtype), v).transpose(1, 2).reshape(B, T, D)
        x = x + self.o(o)
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x)), approximate="tanh"))
        return x, a


class TLBert(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hidden_size"]
        self.word = nn.Embedding(c["vocab_size"], d)
        self.pos = nn.Embedding(c["max_position_embeddings"], d)
        self.typ = nn.Embedding(c["type_vocab_size"], d)
        self.emb_ln = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.layers = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])
        self.final_ln = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.head_dense = nn.Linear(d, d)
        self.head_ln = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.head_bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask, token_type_ids=None, select=None):
        """select: optional bool [B,T]; if given, logits only for those positions ([N,V], training)."""
        B, T = input_ids.shape
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        pos = torch.arange(T, device=input_ids.device).unsqueeze(0)
        x = self.emb_ln(self.word(input_ids) + self.pos(pos) + self.typ(token_type_ids))
        allowed = (attention_mask > 0)[:, None, None, :]
        attns = []
        for l in self.layers:
            x, a = l(x, allowed)
            attns.append(a)
        x = self.final_ln(x)
        if select is not None:
            x = x[select]
        h = F.gelu(self.head_dense(x), approximate="tanh")
        if h.dtype != torch.float32:  # bf16 autocast in training: this torch's CPU LayerNorm wants fp32 input
            h = h.float()
        h = self.head_ln(h)
        if getattr(self, "export_mode", False):
            logits = torch.matmul(self.word.weight, h.transpose(1, 2)).transpose(1, 2) + self.head_bias
        else:
            logits = torch.matmul(h, self.word.weight.to(h.dtype).t()) + self.head_bias
        return logits, attns


class ExportBert(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, token_type_ids):
        logits, attns = self.m(input_ids, attention_mask, token_type_ids)
        return (logits, *attns)


def n_params(m):
    return sum(p.numel() for p in m.parameters())
