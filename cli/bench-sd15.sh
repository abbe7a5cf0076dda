#!/usr/bin/env bash
# One SD 1.5-shaped training step per fine-tuning method, each in its own JVM (peak RSS = VmHWM is per process).
#
#   cli/bench-sd15.sh [method ...]          default: svdiff lora textual-inversion dreambooth
#
# Builds the random SD 1.5-shaped model in memory (UNet 859.5 M, CLIP ViT-L text encoder 123.1 M; no VAE: random
# 64x64 latents = 512 px), batch 1. SVDiff first gets its one-off SVD in a JVM of its own (--svd-only, cached under
# $SVD_CACHE by content digest; skipped work when the cache is complete), then the step run loads the factors.
# Weights created from Java arrays live in direct buffers (DJL keeps them), hence -XX:MaxDirectMemorySize.
# A watchdog kills any JVM whose resident memory passes $RSS_LIMIT_MIB (default 13 GiB): the machine is shared.
#
# Environment: THREADS (intra-op threads, default 1), STEPS (timed steps, default 1), WARMUP (default 0),
# EXTRA (more bench options, e.g. "--plain" or "--optimizer-state INT8_BLOCKWISE"), OUT_DIR (logs, default cli/target/bench-sd15),
# NICE (default 15), CLI_DIR (where likeness-cli.jar and lib/ are, default cli/target), JAVA_OPTS (default -Xmx3g -XX:MaxDirectMemorySize=24g).
# Needs the CLI jar: ./mvnw -B -pl cli -am package -DskipTests. It is copied to $OUT_DIR/app-PID first, so a rebuild of
# cli/target during a long run does not pull jars from under the running JVMs.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
out_dir=${OUT_DIR:-$here/cli/target/bench-sd15}
svd_cache=${SVD_CACHE:-$out_dir/svd-cache}
limit_mib=${RSS_LIMIT_MIB:-13312}
threads=${THREADS:-1}
steps=${STEPS:-1}
warmup=${WARMUP:-0}
nice_level=${NICE:-15}
methods=("$@")
if [ ${#methods[@]} -eq 0 ]; then
  methods=(svdiff lora textual-inversion dreambooth)
fi
mkdir -p "$out_dir" "$svd_cache"
cli_dir=${CLI_DIR:-$here/cli/target}
if [ ! -f "$cli_dir/likeness-cli.jar" ]; then
  echo "bench-sd15: build the CLI first: ./mvnw -B -pl cli -am package -DskipTests" >&2
  exit 1
fi
app="$out_dir/app-$$"
mkdir -p "$app"
cp -r "$cli_dir/likeness-cli.jar" "$cli_dir/lib" "$app/"
trap 'rm -rf "$app"' EXIT
# the launcher's environment (see ./likeness)
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1073741824}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"

# run LOG ARGS...: the CLI under nice with a resident-memory watchdog; returns the JVM's status (137 if killed)
run() {
  local log=$1
  shift
  echo "== $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg); $(free -m | awk '/Mem:/ {print "available " $7 " MiB"}')" \
    | tee -a "$log"
  # shellcheck disable=SC2086
  nice -n "$nice_level" java ${JAVA_OPTS:--Xmx3g -XX:MaxDirectMemorySize=24g} -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -jar "$app/likeness-cli.jar" \
    bench --config sd15-shapes --methods-only --threads "$threads" "$@" >>"$log" 2>&1 &
  local pid=$! peak=0 rss
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmRSS:/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || echo 0)
    rss=${rss:-0}
    [ "$rss" -gt "$peak" ] && peak=$rss
    if [ "$rss" -gt "$limit_mib" ]; then
      echo "watchdog: RSS $rss MiB > limit $limit_mib MiB, killing $pid" | tee -a "$log"
      kill -9 "$pid"
    fi
    sleep 1
  done
  wait "$pid"
  local rc=$?
  echo "== exit $rc, watchdog peak RSS $peak MiB, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  return $rc
}

free -g
for m in "${methods[@]}"; do
  log="$out_dir/$m.log"
  : >"$log"
  if [ "$m" = svdiff ]; then
    run "$log" --svd-only --svd-cache "$svd_cache" || continue
  fi
  run "$log" --methods "$m" --method-steps "$steps" --method-warmup "$warmup" --svd-cache "$svd_cache" ${EXTRA:-}
  grep -v '^\(WARNING\|SLF4J\)' "$log" | tail -n 4
done
