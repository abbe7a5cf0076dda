#!/bin/bash
# Sourced on the CUDA machine from inside the kit folder (see README.md): unpacks the kit's JRE, compiles DJL 0.35.1's
# JNI against the machine's own CUDA libtorch (Python's torch), and defines `wm` = WorldModelsTool on that libtorch.
export G=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p /opt/jre && tar xJf "$G/jre.tar.xz" -C /opt/jre
export JAVA=/opt/jre/gpujre/bin/java
TORCH=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__))")
export TL=$TORCH/lib
ABI=$(python3 -c "import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))")
echo "torch at $TORCH (cxx11 abi $ABI): $(python3 -c 'import torch;print(torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())')"
if [ -f "$G/libdjl_torch.so" ]; then
  cp "$G/libdjl_torch.so" "$TL/libdjl_torch.so"          # built by an earlier run on the same image
else
  mkdir -p /tmp/jni && cd /tmp/jni
  INC="-I$G/native/include -I$TORCH/include -I$TORCH/include/torch/csrc/api/include"
  for d in /usr/local/cuda/include "$TORCH"/../nvidia/*/include; do [ -d "$d" ] && INC="$INC -I$d"; done
  FL="-O2 -fPIC -w -DUSE_CUDA -D_GLIBCXX_USE_CXX11_ABI=$ABI $INC"
  t0=$(date +%s)
  for f in "$G"/native/src/*.cc; do b=$(basename "$f" .cc)
    ( g++ -std=c++17 $FL -c "$f" -o "$b.o" 2> "$b.err17" || g++ -std=c++20 $FL -c "$f" -o "$b.o" 2> "$b.err20" ) &
  done; wait
  echo "JNI compiled in $(( $(date +%s) - t0 )) s: $(ls ./*.o | wc -l) objects"
  for e in ./*.err20; do [ -s "$e" ] && { echo "== $e"; head -c 3000 "$e"; }; done
  g++ -shared -o libdjl_torch.so ./*.o -L"$TL" -ltorch -ltorch_cpu -lc10 -ltorch_cuda -lc10_cuda -Wl,-rpath,'$ORIGIN'
  cp libdjl_torch.so "$TL/" && { [ -n "${OUT:-}" ] && mkdir -p "$OUT" && cp libdjl_torch.so "$OUT/"; }
  cd - >/dev/null
fi
# DJL asks cudart (through JNA, by its unversioned name) how many GPUs there are
mkdir -p /opt/cudart
ln -sf "$(find "$TORCH"/../nvidia /usr/local/cuda/lib64 -name 'libcudart.so*' 2>/dev/null | head -1)" /opt/cudart/libcudart.so
export LD_LIBRARY_PATH=/opt/cudart:$TL:${LD_LIBRARY_PATH:-}
# PYTORCH_LIBRARY_PATH makes DJL load this libtorch and the JNI library placed beside it; nothing is downloaded
export PYTORCH_LIBRARY_PATH=$TL PYTORCH_FLAVOR=cu$(python3 -c "import torch;print(torch.version.cuda.replace('.',''))")
export PYTORCH_VERSION=$(python3 -c "import torch;print(torch.__version__.split('+')[0])")
export CP=$(ls "$G"/jars/*.jar | paste -sd:)
export JOPTS="-Xmx24g -Djava.awt.headless=true -Dai.djl.offline=true -Djna.library.path=/opt/cudart"
export W=$(cd "$G/.." && pwd)/common/world-models/src/main/resources/dev/likeness/worldmodels/bundle
wm() { $JAVA $JOPTS -cp "$CP" dev.likeness.worldmodels.tool.WorldModelsTool "$@"; }
export -f wm
