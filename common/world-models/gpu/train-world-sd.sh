#!/bin/bash
# The shipped world-sd UNet + text encoder (2026-11-22): from scratch on one H100, alone on the GPU, 1,250 steps of
# batch 512 on 49,152 latents of the shipped VAE; 0.24 s/step, 5.1 min of training. Output: $OUT/world-sd.tar.
source "$(dirname "${BASH_SOURCE[0]}")/device-setup.sh"
mkdir -p "$OUT" /tmp/r && cd /tmp/r
wm base --vae "$W/world-sd/vae" --checkpoint-dir /tmp/r/bk --out /tmp/r/world-sd --pool 49152 --render-threads 12 \
    --steps 1250 --schedule cosine --warmup 150 --lr 1e-3 --batch 512 --ema 0.999 --checkpoint-every 200 \
    --threads 4 --max-minutes 6.4 > /tmp/r/base.log 2>&1; echo "base exit $?" >> /tmp/r/base.log
grep -v "DEBUG\|^encoded" /tmp/r/base.log > "$OUT/base.log"
tar cf "$OUT/world-sd.tar" -C /tmp/r world-sd bk/loss.csv
