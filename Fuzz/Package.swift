// swift-tools-version: 6.0
// chexstats-fuzz: libFuzzer targets for chexstats' readers, kept out of the main package so that
// `swift build` and `swift test` there never compile them. Build and run them with `Fuzz/run.sh`
// (see the README's "Fuzzing" paragraph); each target is one `LLVMFuzzerTestOneInput` function.
//
// Targets (each an executable that libFuzzer's own `main` drives):
//   fuzz-csv       CSV bytes -> CSVTable.parse
//   fuzz-join      labels and predictions bytes -> LabelFile, Run, EvaluationSet.join
//   fuzz-run-json  run.json bytes -> Run.load (RunMetadata and its error messages)
//   fuzz-npy       .npy bytes -> NumPy.decode (and back through NumPy.encode)
//   fuzz-onnx      .onnx bytes -> ONNXLoader, ModelSummary, InferenceSession.prepare (no run)
//   fuzz-jpeg      JPEG bytes -> ImageDecoder.decode (libjpeg through CChexCodecs)
//   fuzz-png       PNG bytes -> ImageDecoder.decode (libpng through CChexCodecs)
//   fuzz-dicom     DICOM bytes -> ImageDecoder.decode (chexstats' DICOM reader, JPEG inside)
//   fuzz-journal   score.journal / run.json bytes -> Journal.parse (and back), ScoreRecord.decode
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder (`main`, `wt-fuzz`, ...), so ask for it.
let chexstats = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
  .lastPathComponent

let package = Package(
  name: "chexstats-fuzz",
  dependencies: [.package(path: "..")],
  targets: [
    // MARK: - Support
    .target(name: "FuzzSupport"),
    .target(name: "ImageFuzzSupport", dependencies: [.product(name: "ChexImaging", package: chexstats)]),

    // MARK: - Fuzz targets
    .executableTarget(
      name: "fuzz-csv", dependencies: [.product(name: "ChexData", package: chexstats)]),
    .executableTarget(
      name: "fuzz-join",
      dependencies: ["FuzzSupport", .product(name: "ChexData", package: chexstats)]),
    .executableTarget(
      name: "fuzz-run-json",
      dependencies: ["FuzzSupport", .product(name: "ChexData", package: chexstats)]),
    .executableTarget(
      name: "fuzz-npy", dependencies: [.product(name: "ChexInference", package: chexstats)]),
    .executableTarget(
      name: "fuzz-onnx",
      dependencies: [
        .product(name: "ChexONNX", package: chexstats),
        .product(name: "ChexInference", package: chexstats),
      ]),
    .executableTarget(
      name: "fuzz-jpeg", dependencies: ["ImageFuzzSupport"]),
    .executableTarget(
      name: "fuzz-png", dependencies: ["ImageFuzzSupport"]),
    .executableTarget(
      name: "fuzz-dicom", dependencies: ["ImageFuzzSupport"]),
    .executableTarget(
      name: "fuzz-journal", dependencies: [.product(name: "ChexScoring", package: chexstats)]),
  ]
)
