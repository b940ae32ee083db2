// swift-tools-version: 6.0
// chexstats: compare trained chest X-ray classifiers, correctly and fast.
//
// Data flows one way: load (ChexData, ChexONNX) -> compute (ChexStats, ChexInference) -> render
// (ChexReport) -> write (the chexstats tool). One Swift module is the door to each C module:
// ChexLinalg to OpenBLAS and LAPACKE, ChexKernels to chexstats' own kernels (used only by
// ChexInference), ChexImaging to CChexCodecs (chexstats' setjmp layer over libjpeg and libpng).
//
// Module graph (each target and what it depends on; .ci/module-graph checks these lines against
// the targets below and against every Swift file's imports):
//   COpenBLAS       -> (none)
//   CLAPACKE        -> (none)
//   CChexKernels    -> (none)
//   CJPEG           -> (none)
//   CPNG            -> (none)
//   CChexCodecs     -> CJPEG, CPNG
//   ChexLinalg      -> COpenBLAS, CLAPACKE
//   ChexKernels     -> CChexKernels
//   ChexFiles       -> (none)
//   ChexImaging     -> ChexFiles, CChexCodecs
//   ChexStats       -> ChexLinalg
//   ChexData        -> ChexStats, ChexFiles
//   ChexReport      -> ChexData, ChexStats
//   ChexONNX        -> SwiftProtobuf, ChexFiles
//   ChexInference   -> ChexONNX, ChexLinalg, ChexKernels, ChexFiles
//   ChexScoring     -> ChexImaging, ChexInference, ChexONNX, ChexData, ChexFiles
//   chexstats       -> ChexData, ChexStats, ChexReport, ChexONNX, ChexInference, ChexImaging, ChexScoring,
//                      ChexFiles, ArgumentParser
//   chexstats-bench -> ChexStats, ChexLinalg, ChexONNX, ChexInference, ChexImaging, ArgumentParser
import PackageDescription

let package = Package(
  name: "chexstats",
  products: [
    .executable(name: "chexstats", targets: ["chexstats"]),
    .library(name: "ChexStats", targets: ["ChexStats"]),
    .library(name: "ChexData", targets: ["ChexData"]),
    // For the fuzzing package in Fuzz/, which builds against these modules from outside.
    .library(name: "ChexONNX", targets: ["ChexONNX"]),
    .library(name: "ChexInference", targets: ["ChexInference"]),
    .library(name: "ChexImaging", targets: ["ChexImaging"]),
    .library(name: "ChexScoring", targets: ["ChexScoring"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
  ],
  targets: [
    // MARK: - C libraries (ChexLinalg imports OpenBLAS and LAPACKE, ChexKernels CChexKernels,
    // ChexImaging CChexCodecs, which alone uses libjpeg and libpng)
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

    .systemLibrary(
      name: "CJPEG",
      pkgConfig: "libjpeg",
      providers: [.apt(["libjpeg62-turbo-dev"])]
    ),
    .systemLibrary(
      name: "CPNG",
      pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"])]
    ),

    // libjpeg's and libpng's fatal errors caught by setjmp and returned as status codes.
    .target(name: "CChexCodecs", dependencies: ["CJPEG", "CPNG"], exclude: ["README.md"]),

    // chexstats' own AVX-512 convolution kernel (C with intrinsics, dispatched at run time).
    .target(name: "CChexKernels", exclude: ["README.md"]),

    // MARK: - Libraries
    .target(name: "ChexLinalg", dependencies: ["COpenBLAS", "CLAPACKE"], exclude: ["README.md"]),
    .target(name: "ChexKernels", dependencies: ["CChexKernels"], exclude: ["README.md"]),
    .target(name: "ChexFiles", exclude: ["README.md"]),
    .target(name: "ChexImaging", dependencies: ["ChexFiles", "CChexCodecs"], exclude: ["README.md"]),
    .target(name: "ChexStats", dependencies: ["ChexLinalg"], exclude: ["README.md"]),
    .target(name: "ChexData", dependencies: ["ChexStats", "ChexFiles"], exclude: ["README.md"]),
    .target(name: "ChexReport", dependencies: ["ChexStats", "ChexData"], exclude: ["README.md"]),
    .target(
      name: "ChexONNX",
      dependencies: ["ChexFiles", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
      exclude: ["README.md"]
    ),
    .target(
      name: "ChexInference", dependencies: ["ChexONNX", "ChexLinalg", "ChexKernels", "ChexFiles"],
      exclude: ["README.md"]),
    .target(
      name: "ChexScoring",
      dependencies: ["ChexImaging", "ChexInference", "ChexONNX", "ChexData", "ChexFiles"],
      exclude: ["README.md"]),

    // MARK: - Tool
    .executableTarget(
      name: "chexstats",
      dependencies: [
        "ChexStats", "ChexData", "ChexReport", "ChexInference", "ChexONNX", "ChexImaging", "ChexScoring",
        "ChexFiles",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      exclude: ["README.md"]
    ),

    // MARK: - Benchmarks (an executable that no product ships)
    .executableTarget(
      name: "chexstats-bench",
      dependencies: [
        "ChexStats", "ChexLinalg", "ChexONNX", "ChexInference", "ChexImaging",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Tests
    // Helpers shared by the test targets (seeded data, closeness, fixtures, snapshots, shared data).
    .target(name: "ChexTestSupport", path: "Tests/ChexTestSupport", exclude: ["README.md"]),
    .testTarget(name: "ChexLinalgTests", dependencies: ["ChexLinalg"]),
    .testTarget(name: "ChexFilesTests", dependencies: ["ChexFiles", "ChexTestSupport"]),
    .testTarget(
      name: "ChexImagingTests", dependencies: ["ChexImaging", "ChexFiles", "ChexTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "ChexScoringTests", dependencies: ["ChexScoring", "ChexData", "ChexTestSupport"]),
    .testTarget(name: "ChexKernelsTests", dependencies: ["ChexKernels", "ChexTestSupport"]),
    .testTarget(
      name: "ChexStatsTests", dependencies: ["ChexStats", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexDataTests", dependencies: ["ChexData", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexReportTests", dependencies: ["ChexReport", "ChexData", "ChexStats", "ChexTestSupport"],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "chexstatsTests", dependencies: ["chexstats", "ChexFiles", "ChexTestSupport"],
      exclude: ["Snapshots"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexONNXTests", dependencies: ["ChexONNX", "ChexTestSupport"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ChexInferenceTests", dependencies: ["ChexInference", "ChexONNX", "ChexTestSupport"],
      resources: [.copy("Fixtures"), .copy("Architectures")]),
  ]
)
