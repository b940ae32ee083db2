import ArgumentParser
import ChexReport

@main
struct Chexstats: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chexstats",
    abstract: "Compare trained chest X-ray classifiers: AUROC, DeLong, paired bootstrap.",
    version: ChexstatsVersion.current,
    subcommands: [Compare.self, Report.self, Inspect.self, RunModel.self]
  )
}
