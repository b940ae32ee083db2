import ArgumentParser

/// The benchmarks, kept out of the tool: `chexstats-bench statistics`, `chexstats-bench inference`,
/// `chexstats-bench decode` and `chexstats-bench preprocess`. Build in release (`swift build -c release --product
/// chexstats-bench` is not needed: `swift build -c release` builds it too); the scripts in
/// `notebooks-export/` run the anchors (scikit-learn, pROC, onnxruntime) in the same session.
@main
struct ChexstatsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chexstats-bench",
    abstract:
      "Benchmarks of chexstats' statistics, inference engine, image decoders and preprocessing (release build).",
    subcommands: [StatisticsBench.self, InferenceBench.self, DecodeBench.self, PreprocessBench.self]
  )
}
