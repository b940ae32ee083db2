import ArgumentParser

/// The benchmarks, kept out of the tool: `chexstats-bench statistics`, `inference`, `load`,
/// `decode` and `preprocess`. Build in release (`swift build -c release --product
/// chexstats-bench` is not needed: `swift build -c release` builds it too); the scripts in
/// `notebooks-export/` run the anchors (scikit-learn, pROC, onnxruntime) in the same session.
@main
struct ChexstatsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chexstats-bench",
    abstract:
      "Benchmarks of chexstats' statistics, inference engine, model loading, image decoders and preprocessing "
      + "(release build).",
    subcommands: [
      StatisticsBench.self, InferenceBench.self, LoadBench.self, DecodeBench.self, PreprocessBench.self,
    ]
  )
}
