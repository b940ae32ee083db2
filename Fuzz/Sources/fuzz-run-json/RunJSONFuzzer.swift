import ChexData
import FuzzSupport

/// Fuzzes `run.json`: a run folder with a fixed, valid `predictions.csv` and the input as its
/// `run.json`, loaded as `compare` and `report` load runs. Every outcome is a run or a
/// `DataError` (`invalidMetadata` naming the key), never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  scratch.write(UnsafeBufferPointer(start: start, count: count), to: "run/run.json")
  if let run = try? Run.load(path: runFolder, keyColumn: nil, aggregation: .studyMax) {
    precondition(!run.name.isEmpty, "a run without a name")
  }
  return 0
}

private let scratch = ScratchFolder()

/// The run folder, with its predictions written once.
private let runFolder: String = {
  let predictions = """
    Study,Atelectasis,Cardiomegaly,Consolidation,Edema,Pleural Effusion
    test/patient1/study1,0.1,0.2,0.3,0.4,0.5
    test/patient2/study1,0.9,0.8,0.7,0.6,0.5

    """
  scratch.write(Array(predictions.utf8), to: "run/predictions.csv")
  return scratch.path + "/run"
}()
