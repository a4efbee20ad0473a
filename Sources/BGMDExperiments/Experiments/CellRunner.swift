import BGMD
import Foundation

/// Where a grid run stands, for a progress line.
public struct RunnerProgress: Sendable {
  /// Cells finished (reused from the checkpoint or run now).
  public var finished: Int
  /// Cells in the grid.
  public var total: Int
  /// The cell that just finished.
  public var last: CellResult
}

/// The cells of a grid that are finished, after a run.
public struct RunnerOutcome: Sendable {
  /// Finished cells in grid order (reused and new).
  public var results: [CellResult]
  /// Cells taken from the checkpoint file.
  public var reused: Int
  /// Cells run now.
  public var ran: Int
  /// Whether every cell of the grid is finished.
  public var complete: Bool
}

/// Runs the cells of a grid on up to `jobs` threads, skipping cells already
/// in the checkpoint file and appending each new cell to it the moment it
/// finishes.
///
/// The results do not depend on `jobs` or on interruptions (each cell is a
/// pure function of its spec and the configuration), except for the
/// seconds measured.
public struct CellRunner: Sendable {
  /// The grid's name, written into each cell.
  public var experiment: String
  /// The configuration fingerprint: cells in the checkpoint with another
  /// fingerprint are ignored.
  public var configuration: String
  /// The checkpoint file.
  public var checkpoint: CheckpointFile
  /// Threads (cells run side by side).
  public var jobs: Int
  /// Stop after running this many new cells (for tests of resumption).
  public var cellLimit: Int?

  public init(experiment: String, configuration: String, checkpoint: CheckpointFile, jobs: Int = 1,
              cellLimit: Int? = nil) {
    self.experiment = experiment
    self.configuration = configuration
    self.checkpoint = checkpoint
    self.jobs = jobs
    self.cellLimit = cellLimit
  }

  /// Runs the missing cells of `cells`.
  /// - Parameters:
  ///   - body: runs one cell (must set `experiment` and `configuration`
  ///     from this runner; `run` overwrites them to be sure).
  ///   - progress: called after each finished cell (from worker threads,
  ///     one call at a time).
  /// - Throws: the checkpoint's errors; the first error a cell throws (the
  ///   other threads finish their current cell, which is kept).
  public func run(_ cells: [CellSpec], body: @Sendable (CellSpec) throws -> CellResult,
                  progress: @Sendable (RunnerProgress) -> Void = { _ in }) throws -> RunnerOutcome {
    var done: [CellKey: CellResult] = [:]
    for cell in try checkpoint.load() where cell.experiment == experiment && cell.configuration == configuration {
      done[cell.key] = cell
    }
    let wanted = Set(cells.map(\.key))
    let reused = done.keys.filter { wanted.contains($0) }.count
    let todo = cells.filter { done[$0.key] == nil }
    let state = _RunnerState(finished: reused)
    let workers = Swift.max(1, Swift.min(jobs, todo.count))
    let total = cells.count
    let limit = cellLimit ?? Int.max
    let experiment = self.experiment
    let configuration = self.configuration
    let checkpoint = self.checkpoint
    withoutActuallyEscaping(body) { body in
      withoutActuallyEscaping(progress) { progress in
        let work: @Sendable (Int) -> Void = { _ in
          while let index = state.take(count: todo.count, limit: limit) {
            do {
              var result = try body(todo[index])
              result.experiment = experiment
              result.configuration = configuration
              try state.finish(result, checkpoint: checkpoint) { finished in
                progress(RunnerProgress(finished: finished, total: total, last: result))
              }
            } catch {
              state.fail(error)
            }
          }
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
      }
    }
    if let error = state.error { throw error }
    for result in state.results { done[result.key] = result }
    let ordered = cells.compactMap { done[$0.key] }
    return RunnerOutcome(results: ordered, reused: reused, ran: state.results.count,
                         complete: ordered.count == cells.count)
  }
}

/// The shared state of the runner's threads, under a lock.
final class _RunnerState: @unchecked Sendable {
  private let lock = NSLock()
  private var next = 0
  private var started = 0
  private var finished: Int
  private(set) var results: [CellResult] = []
  private(set) var error: Error?

  init(finished: Int) { self.finished = finished }

  /// The next cell index to run, or nil when all are taken, the limit of
  /// new cells is reached, or a cell failed.
  func take(count: Int, limit: Int) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard error == nil, next < count, started < limit else { return nil }
    started += 1
    next += 1
    return next - 1
  }

  /// Appends a finished cell to the checkpoint and reports it (under the
  /// lock, so lines and progress calls never interleave).
  func finish(_ result: CellResult, checkpoint: CheckpointFile, report: (Int) -> Void) throws {
    lock.lock()
    defer { lock.unlock() }
    try checkpoint.append(result)
    results.append(result)
    finished += 1
    report(finished)
  }

  func fail(_ error: Error) {
    lock.lock()
    defer { lock.unlock() }
    if self.error == nil { self.error = error }
  }
}
