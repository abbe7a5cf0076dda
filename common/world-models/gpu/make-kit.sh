#!/bin/bash
# Builds the kit that trains the world models on a CUDA machine that has Python's PyTorch but no Java and no DJL
# CUDA natives (DJL publishes no CUDA build of libtorch 2.7.1): a small JRE, the world-models runtime jars, and
# DJL 0.35.1's JNI sources + generated header, which device-setup.sh compiles against that machine's libtorch.
#
#   common/world-models/gpu/make-kit.sh DJL_CHECKOUT [KIT_DIR=.gpu]
#
# DJL_CHECKOUT: a git clone of github.com/deepjavalibrary/djl (tag v0.35.1 is read from it; nothing is downloaded).
set -euo pipefail
DJL=${1:?usage: make-kit.sh DJL_CHECKOUT [KIT_DIR]}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
KIT=$(mkdir -p "${2:-$ROOT/.gpu}" && cd "${2:-$ROOT/.gpu}" && pwd)
TAG=v0.35.1
cd "$ROOT"
./mvnw -B -o -q install -DskipTests -pl common/world-models -am
./mvnw -B -o -q dependency:build-classpath -pl common/world-models -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$KIT/classpath.txt"
rm -rf "$KIT/jars" "$KIT/native" && mkdir -p "$KIT/jars" "$KIT/native/src" "$KIT/native/include/djl"
# libtorch comes from the device; test libraries are not needed at run time
for j in $(tr ':' '\n' < "$KIT/classpath.txt" | grep -v "pytorch-native-cpu\|pytorch-jni\|junit\|assertj\|byte-buddy\|opentest4j\|apiguardian"); do
  cp "$j" "$KIT/jars/"
done
cp common/world-models/target/likeness-world-models-*.jar "$KIT/jars/"
# the shipped bundles travel with the repository itself; keep the kit small
zip -q -d "$KIT"/jars/likeness-world-models-*.jar 'dev/likeness/worldmodels/bundle/*' || true
# DJL's JNI: sources and utils header from the tag, JNI header generated from PyTorchLibrary.java
git -C "$DJL" ls-tree --name-only $TAG engines/pytorch/pytorch-native/src/main/native/ | while read -r f; do
  git -C "$DJL" show "$TAG:$f" > "$KIT/native/src/$(basename "$f")"
done
git -C "$DJL" show $TAG:api/src/main/native/djl/utils.h > "$KIT/native/include/djl/utils.h"
SRC=$(mktemp -d) && git -C "$DJL" archive $TAG engines/pytorch/pytorch-engine/src/main/java | tar x -C "$SRC"
javac -cp "$(tr ':' '\n' < "$KIT/classpath.txt" | grep -E '/(api|slf4j-api|gson)-[0-9]' | paste -sd:)" \
    -sourcepath "$SRC/engines/pytorch/pytorch-engine/src/main/java" -h "$KIT/native/include" -d "$SRC/classes" \
    "$SRC/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
JH=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
cp "$JH/include/jni.h" "$JH/include/linux/jni_md.h" "$KIT/native/include/"
# a JRE with what the world tools use (java.desktop: world rendering), xz-packed: the kit must stay under the
# device's 64 MiB transfer limit together with the repository
rm -rf "$SRC/gpujre" && jlink --add-modules java.base,java.desktop,java.sql,jdk.management,java.logging,jdk.unsupported,java.naming,java.compiler,java.xml \
    --compress=0 --strip-debug --no-header-files --no-man-pages --output "$SRC/gpujre"
tar cf - -C "$SRC" gpujre | xz -9e -T2 > "$KIT/jre.tar.xz"
cp common/world-models/gpu/device-setup.sh common/world-models/gpu/train-*.sh "$KIT/"
rm -rf "$SRC"
du -sh "$KIT"
