import Synchronization
import XCTest

@testable import ChexInference

/// The persistent helper threads: every job reaches every thread exactly once, the caller
/// returns only when all are done, and jobs after a sleep still run.
final class ThreadTeamTests: XCTestCase {
  func testEveryThreadRunsEveryJobOnce() {
    let team = ThreadTeam(count: 3)
    defer { team.stop() }
    let calls = Atomic<Int>(0)
    let seen = Mutex<[Int]>([0, 0, 0])
    for _ in 0..<2000 {
      team.run { thread in
        calls.wrappingAdd(1, ordering: .relaxed)
        seen.withLock { $0[thread] += 1 }
      }
    }
    XCTAssertEqual(calls.load(ordering: .relaxed), 6000)
    XCTAssertEqual(seen.withLock { $0 }, [2000, 2000, 2000])
  }

  func testJobsAfterHelpersSleep() {
    let team = ThreadTeam(count: 2)
    defer { team.stop() }
    let calls = Atomic<Int>(0)
    for _ in 0..<3 {
      Thread.sleep(forTimeInterval: 0.05)  // long enough for the helper to stop spinning
      team.run { _ in calls.wrappingAdd(1, ordering: .relaxed) }
    }
    XCTAssertEqual(calls.load(ordering: .relaxed), 6)
  }

  func testWorkersHandOutEachChunkOnce() {
    let team = ThreadTeam(count: 2)
    defer { team.stop() }
    var scratch = [Float](repeating: 0, count: 2)
    let hits = Mutex<[Int]>([Int](repeating: 0, count: 37))
    scratch.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      let workers = Workers(count: 2, scratch: base, scratchStride: 1, team: team)
      workers.forEach(chunks: 37) { chunk, _ in hits.withLock { $0[chunk] += 1 } }
    }
    XCTAssertEqual(hits.withLock { $0 }, [Int](repeating: 1, count: 37))
  }
}
