import ArgumentParser
import ChexReport

@main
struct Chexstats: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chexstats",
    abstract: "Compare trained chest X-ray classifiers: AUROC, DeLong, paired bootstrap.",
    version: ChexstatsVersion.current,
    subcommands: [
      Compare.self, Report.self, Score.self, MergeShards.self, Preprocess.self, Inspect.self, RunModel.self,
    ]
  )

  /// Restores SIGPIPE's default first, so `chexstats compare ... | head -1` ends quietly when
  /// `head` closes the pipe, as Unix tools do (no error line, no crash report; the shell sees
  /// status 141). Other write failures are one line on standard error and status 1.
  static func main() {
    System.restoreDefaultSIGPIPE()
    main(nil)
  }
}
