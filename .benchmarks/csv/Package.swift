// swift-tools-version: 6.0
// A benchmark of ChexData's CSV reader against Swift CSV packages; kept out of the library build.
// Run from this folder: swift run -c release CSVBenchmark ../../bench-out
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (`chexstats`, or a worktree's name).
let chexstats = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .lastPathComponent

let package = Package(
  name: "CSVBenchmark",
  dependencies: [
    .package(path: "../.."),
    .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
    .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
  ],
  targets: [
    .executableTarget(
      name: "CSVBenchmark",
      dependencies: [
        .product(name: "ChexData", package: chexstats),
        .product(name: "SwiftCSV", package: "SwiftCSV"),
        .product(name: "CSV", package: "CSV.swift"),
      ]
    )
  ]
)
