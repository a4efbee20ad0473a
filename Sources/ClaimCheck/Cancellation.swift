import Foundation

/// A thread-safe flag that asks a running campaign to stop.
///
/// Engines check it between batches and return partial results marked
/// `partial`. Counterexamples already found are already on disk.
public final class CancellationFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var _cancelled = false

  /// A flag that is not cancelled.
  public init() {}

  /// Whether cancellation was requested.
  public var isCancelled: Bool {
    lock.lock()
    defer { lock.unlock() }
    return _cancelled
  }

  /// Requests cancellation; idempotent.
  public func cancel() {
    lock.lock()
    _cancelled = true
    lock.unlock()
  }
}

/// Routes SIGINT and SIGTERM to a `CancellationFlag` instead of killing the process.
///
/// A C signal handler only records that a signal arrived (an async-signal-safe
/// store); a dispatch timer polls that record every 20 ms and cancels the
/// installed flag. A second signal does nothing more: the campaign stops at
/// its next check and writes its partial report.
public enum SignalCancellation {
  private static let registry = _SignalRegistry()

  /// Installs handlers that cancel `flag` on SIGINT or SIGTERM.
  public static func install(_ flag: CancellationFlag) {
    registry.install(flag)
  }

  /// Removes the handlers and restores the default signal actions.
  public static func uninstall() {
    registry.uninstall()
  }
}

/// Set by the signal handler; read by the polling timer. A plain word store
/// is the only thing a signal handler may do.
nonisolated(unsafe) private var _signalReceived: sig_atomic_t = 0

final class _SignalRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var timer: (any DispatchSourceTimer)?

  func install(_ flag: CancellationFlag) {
    lock.lock()
    defer { lock.unlock() }
    timer?.cancel()
    _signalReceived = 0
    signal(SIGINT) { _ in _signalReceived = 1 }
    signal(SIGTERM) { _ in _signalReceived = 1 }
    let t = DispatchSource.makeTimerSource(queue: .global())
    t.schedule(deadline: .now(), repeating: .milliseconds(20))
    t.setEventHandler { if _signalReceived != 0 { flag.cancel() } }
    t.resume()
    timer = t
  }

  func uninstall() {
    lock.lock()
    defer { lock.unlock() }
    timer?.cancel()
    timer = nil
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
