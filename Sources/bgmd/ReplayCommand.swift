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
    var failures = 0
    for o in outcomes {
      if !o.ok { failures += 1 }
      print("\(o.ok ? "ok  " : "FAIL") \(o.fixture?.claim ?? "?") \(o.file.path): \(o.message)")
    }
    print("bgmd replay: \(outcomes.count) fixtures, \(failures) failing")
    if failures > 0 { throw ExitCode(1) }
  }
}
