import ArgumentParser

/// The benchmarks, kept out of the tool: `chexstats-bench statistics`, `chexstats-bench
/// inference` and `chexstats-bench load`. Build in release (`swift build -c release --product
/// chexstats-bench` is not needed: `swift build -c release` builds it too); the scripts in
/// `notebooks-export/` run the anchors (scikit-learn, pROC, onnxruntime) in the same session.
@main
struct ChexstatsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chexstats-bench",
    abstract: "Benchmarks of chexstats' statistics and inference engine (release build).",
    subcommands: [StatisticsBench.self, InferenceBench.self, LoadBench.self]
  )
}
