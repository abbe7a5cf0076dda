#!/usr/bin/env bash
# Builds and pushes the CUDA base image <prefix>/base-cuda:2.7.1-cu128 used by `./mvnw -Pimage,cuda ... jib:build`.
# Usage: deploy/images/cuda-base/build.sh [image prefix, default "likeness"]
# Needs docker (or set DOCKER=podman) and network access to download.pytorch.org and Maven Central.
set -euo pipefail
cd "$(dirname "$0")"
prefix="${1:-likeness}"
docker="${DOCKER:-docker}"
repo_root="$(cd ../../.. && pwd)"
jni_version="2.7.1-0.35.1"

# DJL's cu128 JNI library, from the same pytorch-jni jar the services use.
"$repo_root/mvnw" -B -q dependency:copy -Dartifact="ai.djl.pytorch:pytorch-jni:${jni_version}" \
  -DoutputDirectory="$PWD/target" -f "$repo_root/pom.xml" -N
unzip -o -j -q "target/pytorch-jni-${jni_version}.jar" jnilib/linux-x86_64/cu128/libdjl_torch.so -d .

sha=""
if [[ -s libtorch.sha256 ]]; then sha="$(cut -d' ' -f1 libtorch.sha256)"; fi
"$docker" build --build-arg LIBTORCH_SHA256="$sha" -t "${prefix}/base-cuda:2.7.1-cu128" .
"$docker" push "${prefix}/base-cuda:2.7.1-cu128"
rm -f libdjl_torch.so
