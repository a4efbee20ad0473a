import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one path by which the commands write their results to standard
/// output: every write goes straight to the file descriptor and is checked,
/// so a failed write (a full disk, `> /dev/full`, a closed pipe) ends the
/// command with an error and a non-zero exit instead of a silent exit 0.
/// Notes for the user (progress, warnings) go to standard error through
/// `note`.
enum Output {
  /// A write to standard output that failed.
  struct WriteError: Error, CustomStringConvertible {
    /// The system's reason (e.g. "No space left on device").
    var reason: String
    var description: String { "cannot write to standard output: \(reason)" }
  }

  /// Writes `text` to standard output.
  /// - Throws: `WriteError` when the write fails or is short.
  static func write(_ text: String) throws {
    try write(Array(text.utf8), to: STDOUT_FILENO)
  }

  /// Writes `text` and a newline to standard output.
  /// - Throws: `WriteError`.
  static func line(_ text: String) throws { try write(text + "\n") }

  /// Writes `text` and a newline to standard error. A failure there has no
  /// better place to be reported and is ignored.
  static func note(_ text: String) {
    try? write(Array((text + "\n").utf8), to: STDERR_FILENO)
  }

  /// Writes `text` to standard error as is (progress lines).
  static func progress(_ text: String) {
    try? write(Array(text.utf8), to: STDERR_FILENO)
  }

  static func write(_ bytes: [UInt8], to descriptor: Int32) throws {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Foundation.write(descriptor, base + offset, bytes.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw WriteError(reason: String(cString: strerror(errno)))
      }
      if written == 0 { throw WriteError(reason: "the write made no progress") }
      offset += written
    }
  }
}
