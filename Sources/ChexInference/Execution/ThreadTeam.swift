import Foundation
import Synchronization

/// Helper threads that stay alive across kernel steps, so that handing a step's chunks to them
/// costs a memory write instead of waking a thread through the scheduler.
///
/// One team belongs to one run at a time (it lives in the session's per-run workspace). A job
/// is published by bumping `epoch`; helpers spin on it for 2 ms after each job and then sleep on
/// a condition variable, so an idle session does not hold a core. The caller
/// takes part in every job as thread 0 and returns once every helper has finished it.
final class ThreadTeam: @unchecked Sendable {
  /// Threads including the caller.
  let count: Int
  private let epoch = Atomic<Int>(0)
  private let pending = Atomic<Int>(0)
  private let stopping = Atomic<Bool>(false)
  private let condition = NSCondition()
  private var sleepers = 0  // guarded by `condition`
  /// How long a helper spins for the next job before it sleeps: long enough to bridge the gap
  /// between two images of a batch run (copying the next input in), where 20,000 spins (about
  /// 50 us) let the helpers fall asleep and the first step of every image paid for waking them
  /// (ResNet50's stem on 2 threads: 1.42 ms instead of 1.23).
  static let spinNanoseconds: UInt64 = 2_000_000
  /// The current job; written before `epoch` is bumped (release) and read after (acquire).
  private var job: ((Int) -> Void)?

  /// Starts `count - 1` helper threads.
  init(count: Int) {
    precondition(count >= 2, "ThreadTeam.init: a team needs at least 2 threads, got \(count)")
    self.count = count
    for helper in 1..<count {
      let thread = Thread { [self] in self.helperLoop(index: helper) }
      thread.name = "chexstats-inference-\(helper)"
      thread.start()
    }
  }

  /// Stops the helpers (they hold the team until they have seen the stop).
  func stop() {
    stopping.store(true, ordering: .releasing)
    epoch.wrappingAdd(1, ordering: .releasing)
    condition.lock()
    condition.broadcast()
    condition.unlock()
  }

  /// Runs `body(thread)` on every thread of the team (the caller is thread 0) and waits for all.
  func run(_ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
      job = body
      pending.store(count - 1, ordering: .relaxed)
      epoch.wrappingAdd(1, ordering: .releasing)
      condition.lock()
      if sleepers > 0 { condition.broadcast() }
      condition.unlock()
      body(0)
      var spins = 0
      while pending.load(ordering: .acquiring) > 0 {
        spins += 1
        if spins > 1000 { sched_yield() }
      }
      job = nil
    }
  }

  private func helperLoop(index: Int) {
    var seen = 0
    while true {
      var spins = 0
      var current = epoch.load(ordering: .acquiring)
      let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
      while current == seen {
        spins += 1
        if spins % 1024 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { break }
        current = epoch.load(ordering: .acquiring)
      }
      if current == seen {
        condition.lock()
        sleepers += 1
        while epoch.load(ordering: .acquiring) == seen { condition.wait() }
        sleepers -= 1
        condition.unlock()
        current = epoch.load(ordering: .acquiring)
      }
      seen = current
      if stopping.load(ordering: .acquiring) { return }
      job?(index)
      pending.wrappingSubtract(1, ordering: .releasing)
    }
  }
}
