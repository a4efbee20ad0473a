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
      still satisfy it. A malformed fixture is an error naming the file and the field.
      """
  )

  @Argument(help: "Fixture files or directories (default: fixtures/counterexamples).")
  var paths: [String] = []

  func run() throws {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let targets = (paths.isEmpty ? ["fixtures/counterexamples"] : paths)
      .map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
    let outcomes = FixtureReplay.replayAll(targets)
    var failures = 0
    for o in outcomes {
      if !o.ok { failures += 1 }
      try Output.line("\(o.ok ? "ok  " : "FAIL") \(o.fixture?.claim ?? "?") \(o.file.path): \(o.message)")
    }
    try Output.line("bgmd replay: \(outcomes.count) fixtures, \(failures) failing")
    if failures > 0 { throw ExitCode(1) }
  }
}
