#!/usr/bin/env bash
# Build llama.cpp's own HTTP server (llama-server) from the llama-cpp-python sdist that
# Teller's embedded model comes from, with the same CPU flags (AMX off), once.
#   scripts/build-llama-server.sh VERSION TARGET "CMAKE FLAGS" PIP
# TARGET is the cached binary; a second run finds it and returns at once.
set -euo pipefail
version=$1 target=$2 flags=$3 pip=$4
[ -x "$target" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Building llama-server from llama-cpp-python $version (once; about 10 minutes)"
"$pip" download --quiet --no-deps --no-binary :all: "llama-cpp-python==$version" -d "$work"
tar -xzf "$work/llama_cpp_python-$version.tar.gz" -C "$work"
source="$work/llama_cpp_python-$version/vendor/llama.cpp"
# shellcheck disable=SC2086  # the flags are a list
cmake -S "$source" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_SERVER=ON $flags >"$work/cmake.log" 2>&1 \
    || { tail -40 "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log" >&2; exit 1; }
mkdir -p "$(dirname "$target")"
install -m 0755 "$work/build/bin/llama-server" "$target.partial"
mv "$target.partial" "$target"
echo "llama-server ready: $target"
