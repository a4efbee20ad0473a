import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How one run of an external program ended.
public enum ProcessEnd: Sendable, Hashable {
  /// Exited with this status.
  case exited(Int32)
  /// Killed by this signal (not by us).
  case signalled(Int32)
  /// Still running at the time limit; its process group was killed.
  case timedOut
  /// Could not be started (the text of the error).
  case notStarted(String)
}

/// Runs `/bin/sh -c COMMAND` in a process group of its own, with a time
/// limit after which the whole group is killed (SIGKILL), so a hanging
/// program or one it started cannot outlive the call.
public enum ExternalProcess {
  /// The result of one run: how it ended, its wall time and the tail of its
  /// standard error (at most 2,000 bytes).
  public struct Run: Sendable {
    public var end: ProcessEnd
    public var seconds: Double
    public var stderrTail: String
  }

  /// Runs `command` with `sh -c`, standard output and error to files in
  /// `directory`, and waits at most `timeout` seconds.
  public static func run(_ command: String, in directory: URL, timeout: Double) -> Run {
    let outPath = directory.appendingPathComponent("stdout.txt").path
    let errPath = directory.appendingPathComponent("stderr.txt").path
    var actions = posix_spawn_file_actions_t()
    var attributes = posix_spawnattr_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    let argv = ["/bin/sh", "-c", command]
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    let start = Date()
    let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &cArgs, environ)
    guard status == 0 else {
      return Run(end: .notStarted(String(cString: strerror(status))), seconds: 0, stderrTail: "")
    }
    var waitStatus: Int32 = 0
    var end: ProcessEnd?
    var pause: useconds_t = 200
    while end == nil {
      let r = waitpid(pid, &waitStatus, WNOHANG)
      if r == pid {
        let low = waitStatus & 0x7F
        end = low == 0 ? .exited((waitStatus >> 8) & 0xFF) : .signalled(low)
        break
      }
      if r < 0 && errno != EINTR {
        end = .notStarted("waitpid: \(String(cString: strerror(errno)))")
        break
      }
      if Date().timeIntervalSince(start) > timeout {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        while waitpid(pid, &waitStatus, 0) < 0 && errno == EINTR {}
        end = .timedOut
        break
      }
      usleep(pause)
      pause = Swift.min(pause * 2, 5_000)
    }
    let seconds = Date().timeIntervalSince(start)
    // Whatever the program left running in its group goes with it.
    kill(-pid, SIGKILL)
    var tail = ""
    if let data = FileManager.default.contents(atPath: errPath) {
      let bytes = data.suffix(2_000)
      tail = String(decoding: bytes, as: UTF8.self)
    }
    return Run(end: end ?? .timedOut, seconds: seconds, stderrTail: tail)
  }

  /// `text` quoted for `sh` (single quotes, embedded ones escaped).
  public static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
