#!/usr/bin/env bash
# Regenerates Sources/ChexONNX/Generated/onnx.pb.swift from the onnx.proto schema shipped in the
# `onnx` Python wheel. Run once by hand; the output is committed and excluded from swift-format lint.
#
# Recorded run (Debian 12):
#   onnx 1.23.2 (python3 -m pip install onnx)       -> onnx/onnx.proto (proto2 syntax)
#   protoc: libprotoc 3.21.12 (apt-get install -y protobuf-compiler)
#   protoc-gen-swift 1.39.0, built from the cached swift-protobuf package:
#     git clone /opt/swift-packages/apple/swift-protobuf.git /tmp/swift-protobuf
#     cd /tmp/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
# The generated types stay internal to ChexONNX (Visibility=Internal); only the plain values in
# Model.swift are public.
set -euo pipefail
cd "$(dirname "$0")/.."
PLUGIN="${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"
ONNX_DIR="$(python3 -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')"
echo "onnx $(python3 -c 'import onnx; print(onnx.__version__)'), $(protoc --version), protoc-gen-swift $("$PLUGIN" --version)"
OUT="$(mktemp -d)"
protoc --plugin=protoc-gen-swift="$PLUGIN" \
  --proto_path="$ONNX_DIR" \
  --swift_opt=Visibility=Internal \
  --swift_out="$OUT" \
  "$ONNX_DIR/onnx.proto"
mkdir -p Sources/ChexONNX/Generated
cp "$OUT/onnx.pb.swift" Sources/ChexONNX/Generated/onnx.pb.swift
rm -rf "$OUT"
