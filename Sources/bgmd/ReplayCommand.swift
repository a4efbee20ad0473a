import ArgumentParser
import BGMDClaims
import ClaimCheck
import Foundation

/// `bgmd replay`: replays stored fixtures and checks each still does what it records.
struct Replay: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Replay counterexample fixtures; exit 1 when one no longer does what it records.",
    discussion: """
      A fixture with `expect: refutes` must still refute its claim; one with `expect: holds` must \
      still satisfy it; one that no longer does is STALE. A malformed fixture (MALFORMED) is an \
      error naming the file and the field, a path that does not exist is MISSING, and a replay \
      that stops on an error of the implementation is ERROR; any of these exits 1.
      """
  )

  @Argument(help: "Fixture files or directories (default: fixtures/counterexamples).")
  var paths: [String] = []
  @Option(help: "Conformance fixtures (conformance/…): the program to replay them against, as for bgmd conformance --exec.")
  var exec: String?
  @Option(help: "With --exec: seconds one call may take.")
  var timeout: Double = 30

  func run() throws {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let targets = (paths.isEmpty ? ["fixtures/counterexamples"] : paths)
      .map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
    var target: ConformanceTarget?
    if let exec {
      do { target = try ConformanceTarget.exec(exec, timeout: timeout) } catch { throw ValidationError("\(error)") }
    }
    let outcomes = FixtureReplay.replayAll(targets, conformanceTarget: target)
    var counts: [FixtureReplay.Outcome.Kind: Int] = [:]
    for o in outcomes {
      counts[o.kind, default: 0] += 1
      let label: String
      switch o.kind {
      case .ok: label = "ok       "
      case .stale: label = "STALE    "
      case .malformed: label = "MALFORMED"
      case .unreadable: label = "MISSING  "
      case .error: label = "ERROR    "
      }
      try Output.line("\(label) \(o.fixture?.claim ?? "?") \(o.file.path): \(o.message)")
    }
    let failing = outcomes.count - counts[.ok, default: 0]
    var parts = ["\(outcomes.count) fixtures", "\(failing) failing"]
    for kind in [FixtureReplay.Outcome.Kind.stale, .malformed, .unreadable, .error] where counts[kind, default: 0] > 0 {
      parts.append("\(counts[kind, default: 0]) \(kind == .unreadable ? "missing or unreadable" : kind.rawValue)")
    }
    try Output.line("bgmd replay: " + parts.joined(separator: ", "))
    if failing > 0 { throw ExitCode(1) }
  }
}
