#!/usr/bin/env bash
# Rebuild the three embedded models (tl-gpt, tl-bert, tl-ernie) from Debian corpora, CPU only.
#   sudo apt-get install -y python3-torch python3-onnx python3-numpy fortunes fortunes-min fortunes-zh libopenblas0-pthread
#   bash models/train/rebuild.sh
# Encoders: 12,000 steps each take ~5 min on a GPU (TL_DEVICE=cuda, as the shipped weights were made) and
# about 100 min each on these 2 cores (bf16 autocast on CPUs with AVX512-BF16).
# libopenblas0-pthread matters: it replaces Debian's reference BLAS (libblas.so.3) that python3-torch
# uses, ~10x faster fp32 matmuls. (bf16 autocast does not help on CPUs without AVX512-BF16.)
# Intermediate files go to models/.work/ (git-ignored). The last step (JS/ONNX checks) needs `npm install`.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
export OMP_WAIT_POLICY=PASSIVE PYTHONHASHSEED=0
mkdir -p ../.work/logs
T=../.work/logs/timings.txt
: > "$T"
step() { local name=$1; shift; local t0=$(date +%s); echo "== $name"; "$@"; echo "$name $(( $(date +%s) - t0 ))" >> "$T"; }
t_start=$(date +%s)
step corpus $PY corpus.py
step tokenizer $PY tokenizer.py
# two streams side by side, one thread each (2 cores): the decoder on one, the two encoders one after
# the other on the other. Measured on a quiet 2-vCPU VM: a decoder step 1.2 s, an encoder step 0.4 s,
# so the defaults (1,600 and 2 x 2,000 steps) take ~32 min; a single 2-thread stream is slower overall.
one() { TL_THREADS=1 OPENBLAS_NUM_THREADS=1 "$@"; }
train_encoders() {
  one $PY train_encoder.py --mode bert > ../.work/logs/train_bert.log 2>&1 &&
    one $PY train_encoder.py --mode ernie > ../.work/logs/train_ernie.log 2>&1
}
train_all() {
  one $PY train_gpt.py > ../.work/logs/train_gpt.log 2>&1 & local p0=$!
  train_encoders & local p1=$!
  wait $p0 && wait $p1
}
step train train_all
step export_encoders $PY export_encoders.py
step export_gpt $PY export_gpt.py
echo "total $(( $(date +%s) - t_start ))" >> "$T"
step collect $PY collect.py
if [ -d ../../node_modules/@huggingface/tokenizers ] && [ -d ../../node_modules/onnxruntime-web ]; then
  $PY heldout_samples.py
  (cd ../.. && node models/train/verify_tokenizer.mjs && node models/train/verify_onnx.mjs && node models/train/eval_onnx_encoders.mjs)
else
  echo "node_modules missing: skipped verify_tokenizer.mjs / verify_onnx.mjs"
fi
cat "$T"
