#!/usr/bin/env bash
# Regenerates deploy/k8s/likeness.yaml from the Helm chart with its default values, through the same offline Helm
# (helm-java) the tests use; ManifestsInSyncTest fails while the committed file differs from this output.
# With a helm CLI (3.x) the equivalent is:
#   helm template likeness helm/likeness --namespace likeness --kube-version 1.31.0
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl helm test -Dtest=ManifestsInSyncTest -Dlikeness.manifests.write=true "$@"
echo "wrote deploy/k8s/likeness.yaml"
