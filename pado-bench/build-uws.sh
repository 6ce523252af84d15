#!/usr/bin/env bash
# Builds uWebSockets' peer for the benchmark matrix (src/main/cpp/uws-peer.cpp) into pado-bench/target/uws-peer, from a
# uWebSockets checkout outside this repository (with its uSockets submodule) named by UWS_HOME. Nothing of uWebSockets
# is copied into the repository. Needs g++ (C++20) and zlib headers (Debian: g++, zlib1g-dev).
#   UWS_HOME=/path/to/uWebSockets pado-bench/build-uws.sh
# Afterwards the scripts that take server names accept "uws" (bench-lib.sh starts the binary on CPU 0).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${UWS_HOME:?set UWS_HOME to a uWebSockets checkout (github.com/uNetworking/uWebSockets, with uSockets)}"
[[ -f "$UWS_HOME/src/App.h" && -d "$UWS_HOME/uSockets/src" ]] || { echo "build-uws: $UWS_HOME has no src/App.h and uSockets/src" >&2; exit 2; }
mkdir -p pado-bench/target/uws
# uSockets: its C sources, with the epoll backend and no TLS, as uWebSockets' own Makefile builds them
for c in "$UWS_HOME"/uSockets/src/*.c "$UWS_HOME"/uSockets/src/eventing/*.c "$UWS_HOME"/uSockets/src/crypto/*.c; do
    cc -O3 -flto -DLIBUS_NO_SSL -I"$UWS_HOME/uSockets/src" -c "$c" -o "pado-bench/target/uws/$(basename "$c" .c).o"
done
g++ -O3 -flto -std=c++20 -DLIBUS_NO_SSL -DUWS_NO_ZLIB -I"$UWS_HOME/src" -I"$UWS_HOME/uSockets/src" \
    pado-bench/src/main/cpp/uws-peer.cpp pado-bench/target/uws/*.o -lz -o pado-bench/target/uws-peer
echo "built pado-bench/target/uws-peer from $UWS_HOME ($(git -C "$UWS_HOME" log -1 --format=%h 2>/dev/null || echo 'no git'))"
