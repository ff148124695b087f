#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok from the versions go.mod pins,
# into .cache/real-cluster/bin. Skips the build when go.mod and go.sum have not changed since the
# last one; Go's own build cache keeps a rebuild short.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${REAL_CLUSTER_BIN:-$here/../../.cache/real-cluster/bin}"
mkdir -p "$out"
stamp="$out/.stamp"
want="$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -d' ' -f1)"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
fresh=1
for b in "${binaries[@]}"; do [ -x "$out/$b" ] || fresh=0; done
if [ "$fresh" = 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "real-cluster binaries are up to date in $out"
  exit 0
fi
cd "$here"
export CGO_ENABLED=0
# The version the binaries report on /version, as Kubernetes' own release build stamps it.
kver="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
minor="$(echo "$kver" | cut -d. -f2)"
pkg=k8s.io/component-base/version
stampflags="-X $pkg.gitVersion=$kver -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
rm -f "$stamp"
build() {
  echo "building $1"
  go build -trimpath -ldflags "-s -w $stampflags" -o "$out/$1" "$2"
}
build etcd go.etcd.io/etcd/server/v3
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
build kube-scheduler k8s.io/kubernetes/cmd/kube-scheduler
build kwok sigs.k8s.io/kwok/cmd/kwok
echo "$want" >"$stamp"
echo "real-cluster binaries built in $out"
