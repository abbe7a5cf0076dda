#!/bin/bash
# Stages 1 and 2 of the shipped world-clip (2026-11-22; stage 3 ran on the CPU: bundle/world-clip/TRAINING.md),
# two GPU runs of WorldModelsTool clip with the auxiliary attribute loss (weight 1), batch 1024 over a 60,000-image
# pool. Each run is cut by `timeout` (device calls are limited to 10 minutes); every checkpoint exports the folder,
# so the newest export is what a run leaves.
#   part 1: from scratch, schedule planned for 2,000 steps (lr 1e-3, 100 warm-up), export at step 500 used
#           (this part shared the GPU with two other runs: 650 ms/step)
#   part 2: --init-from the part-1 export, schedule 1,600 steps (lr 7e-4, 50 warm-up), alone: 234 ms/step,
#           export at step 1,400 kept (candidates/world-clip-gpu) and continued on the CPU
# usage: train-world-clip.sh 1            -> $OUT/clip-1.tar
#        train-world-clip.sh 2 PART1_DIR  -> $OUT/clip-2.tar  (PART1_DIR: the part-1 export, inside the kit)
source "$(dirname "${BASH_SOURCE[0]}")/device-setup.sh"
mkdir -p "$OUT" /tmp/r && cd /tmp/r
if [ "$1" = 1 ]; then
  timeout 480 bash -c 'wm clip --steps 2000 --checkpoint-dir /tmp/r/ck --out /tmp/r/clip-1 --checkpoint-every 250 --pool 60000 --batch 1024 --threads 3 --warmup 100 --aux-weight 1' > /tmp/r/clip.log 2>&1
else
  timeout 400 bash -c "wm clip --init-from $2 --steps 1600 --checkpoint-dir /tmp/r/ck --out /tmp/r/clip-2 --checkpoint-every 200 --pool 60000 --batch 1024 --threads 4 --warmup 50 --lr 7e-4 --aux-weight 1" > /tmp/r/clip.log 2>&1
fi
echo "clip exit $?" >> /tmp/r/clip.log
grep -v DEBUG /tmp/r/clip.log > "$OUT/clip-$1.log"
tar cf "$OUT/clip-$1.tar" -C /tmp/r clip-$1 ck/loss.csv
