// swift-tools-version: 6.0
// chexstats: compare trained chest X-ray classifiers, correctly and fast.
// Dependencies point one way: chexstats -> ChexReport, ChexData, ChexONNX -> ChexStats -> ChexLinalg -> C.
import PackageDescription

let package = Package(
  name: "chexstats",
  products: [
    .executable(name: "chexstats", targets: ["chexstats"]),
    .library(name: "ChexStats", targets: ["ChexStats"]),
    .library(name: "ChexData", targets: ["ChexData"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
  ],
  targets: [
    // MARK: - C libraries (only ChexLinalg imports them)
    .systemLibrary(
      name: "COpenBLAS",
      pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]
    ),
    .systemLibrary(
      name: "CLAPACKE",
      pkgConfig: "lapacke",
      providers: [.apt(["liblapacke-dev"])]
    ),

    // chexstats' own AVX-512 convolution kernel (C with intrinsics, dispatched at run time).
    .target(name: "CChexKernels", exclude: ["README.md"]),

    // MARK: - Libraries
    .target(
      name: "ChexLinalg", dependencies: ["COpenBLAS", "CLAPACKE", "CChexKernels"], exclude: ["README.md"]),
    .target(name: "ChexStats", dependencies: ["ChexLinalg"], exclude: ["README.md"]),
    .target(name: "ChexData", dependencies: ["ChexStats"], exclude: ["README.md"]),
    .target(name: "ChexReport", dependencies: ["ChexStats", "ChexData"], exclude: ["README.md"]),
    .target(
      name: "ChexONNX",
      dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
      exclude: ["README.md"]
    ),
    .target(name: "ChexInference", dependencies: ["ChexONNX", "ChexLinalg"], exclude: ["README.md"]),

    // MARK: - Tool
    .executableTarget(
      name: "chexstats",
      dependencies: [
        "ChexStats", "ChexData", "ChexReport", "ChexInference", "ChexONNX",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      exclude: ["README.md"]
    ),

    // MARK: - Benchmarks (kept out of the library build)
    .executableTarget(
      name: "inference-bench",
      dependencies: ["ChexInference", "ChexONNX", "ChexLinalg"],
      path: "Sources/inference-bench"
    ),

    // MARK: - Tests
    // Helpers shared by the test targets (seeded data, closeness, fixtures, snapshots, shared data).
    .target(name: "ChexTestSupport", path: "Tests/ChexTestSupport", exclude: ["README.md"]),
    .testTarget(name: "ChexLinalgTests", dependencies: ["ChexLinalg"]),
    .testTarget(
      name: "ChexStatsTests", dependencies: ["ChexStats", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexDataTests", dependencies: ["ChexData", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexReportTests", dependencies: ["ChexReport", "ChexData", "ChexStats", "ChexTestSupport"],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "chexstatsTests", dependencies: ["chexstats", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexONNXTests", dependencies: ["ChexONNX", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexInferenceTests", dependencies: ["ChexInference", "ChexONNX"],
      resources: [.copy("Fixtures"), .copy("Architectures")]),
  ]
)
