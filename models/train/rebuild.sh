#!/usr/bin/env bash
# Rebuild the three embedded models (tl-gpt, tl-bert, tl-ernie) from Debian corpora, CPU only.
#   sudo apt-get install -y python3-torch python3-onnx python3-numpy fortunes fortunes-min fortunes-zh libopenblas0-pthread
#   bash models/train/rebuild.sh
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
# the three trainings run side by side, one thread each (2 cores: measured faster overall than
# running them one after another with 2 threads, and robust to other load on the machine)
one() { TL_THREADS=1 OPENBLAS_NUM_THREADS=1 "$@"; }
train_all() {
  one $PY train_gpt.py > ../.work/logs/train_gpt.log 2>&1 & local p0=$!
  one $PY train_encoder.py --mode bert > ../.work/logs/train_bert.log 2>&1 & local p1=$!
  one $PY train_encoder.py --mode ernie > ../.work/logs/train_ernie.log 2>&1 & local p2=$!
  wait $p0 && wait $p1 && wait $p2
}
step train train_all
step export_encoders $PY export_encoders.py
step export_gpt $PY export_gpt.py
echo "total $(( $(date +%s) - t_start ))" >> "$T"
step collect $PY collect.py
if [ -d ../../node_modules/@huggingface/tokenizers ] && [ -d ../../node_modules/onnxruntime-web ]; then
  (cd ../.. && node models/train/verify_tokenizer.mjs && node models/train/verify_onnx.mjs)
else
  echo "node_modules missing: skipped verify_tokenizer.mjs / verify_onnx.mjs"
fi
cat "$T"
