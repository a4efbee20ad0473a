import Foundation

/// A thread-safe flag that asks a running campaign to stop.
///
/// Engines check it between batches and return partial results marked
/// `partial`. Counterexamples already found are already on disk.
public final class CancellationFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var _cancelled = false

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
/// Uses `DispatchSource` signal sources; the default action is ignored while
/// installed. A second signal of the same kind after cancellation restores
/// nothing: the campaign is expected to stop at its next check.
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

final class _SignalRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var sources: [any DispatchSourceSignal] = []

  func install(_ flag: CancellationFlag) {
    lock.lock()
    defer { lock.unlock() }
    for sig in [SIGINT, SIGTERM] {
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      source.setEventHandler { flag.cancel() }
      source.resume()
      sources.append(source)
    }
  }

  func uninstall() {
    lock.lock()
    defer { lock.unlock() }
    for s in sources { s.cancel() }
    sources.removeAll()
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
