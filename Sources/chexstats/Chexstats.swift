import ArgumentParser

@main
struct Chexstats: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chexstats",
    abstract: "Compare trained chest X-ray classifiers: AUROC, DeLong, paired bootstrap.",
    version: "0.1.0",
    subcommands: []
  )
}
