import ArgumentParser
import BGMD
import BGMDClaims
import ClaimCheck
import Foundation

/// `bgmd conformance`: the suite run against an external implementation of an aggregation rule.
struct Conformance: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check an external aggregator program against our rule: agreement, invariances, breakdown, bad input.",
    discussion: """
      The program is run as `sh -c CMD` with {input} replaced by a b×d .npy file (dtype <f4 or <f8, both \
      are drawn) and {output} by the path of the .npy it must write (d entries). Claims are \
      conformance/<rule>/<property>; failing inputs are shrunk and stored as fixtures (replay them with \
      `bgmd replay --exec CMD DIR`). A crash, hang (--timeout), wrong shape or non-finite output of the \
      program fails the case that met it, never the run. Exit status 0 when the run completed, whatever \
      the verdicts; 130 when interrupted.
      """
  )

  @Option(help: "The command, with {input} and {output} placeholders (e.g. 'python3 my_gm.py {input} {output}').")
  var exec: String
  @Option(help: "geometric-median, coordinate-median, trimmed-mean, krum or mean.")
  var rule: String
  @Option(help: "trimmed-mean: β, the fraction trimmed per side.")
  var trim: Double = 0.2
  @Option(help: "krum: f, the number of Byzantine rows assumed.")
  var byzantine: Int = 1
  @Option(help: "geometric-median: the relative accuracy ε the program is held to (g(z) ≤ (1 + ε)·our certified lower bound).")
  var epsilon: Double = 1e-6
  @Option(help: "Seconds one call of the program may take before it is killed.")
  var timeout: Double = 30
  @Option(name: .customLong("claim"), parsing: .upToNextOption,
          help: "Properties to check (agreement, permutation, translation, scaling, rotation, bad-input, breakdown); default all.")
  var properties: [String] = []
  @Option(help: "quick, standard or deep (default quick; BGMD_PROFILE overrides the default).")
  var profile: String?
  @Option(help: "The run seed (default 1; BGMD_SEED overrides the default).")
  var seed: UInt64?
  @Option(help: "Threads, i.e. program calls at once (default: the active processor count).")
  var jobs: Int?
  @Option(help: "Shard I/N or auto (as for bgmd verify).")
  var shard: String = "1/1"
  @Option(help: "With --shard auto on Kubernetes: the number of shards (default BGMD_SHARD_COUNT).")
  var shardCount: Int?
  @Option(help: "Directory of the report files.")
  var report: String = "reports/conformance"
  @Option(help: "Directory of the shrunk failing inputs (default: <report>/fixtures).")
  var fixtures: String?

  func run() throws {
    let conformanceRule: ConformanceRule
    do { conformanceRule = try ConformanceRule(name: rule, trim: trim, byzantine: byzantine, epsilon: epsilon) } catch {
      throw ValidationError("\(error)")
    }
    guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    let target: ConformanceTarget
    do { target = try ConformanceTarget.exec(exec, timeout: timeout) } catch { throw ValidationError("\(error)") }
    var chosen: [ConformanceProperty]?
    if !properties.isEmpty {
      chosen = try properties.map { name in
        guard let p = ConformanceProperty(rawValue: name), ConformanceProperty.applicable(to: conformanceRule).contains(p) else {
          throw ValidationError("--claim \(name): expected one of \(ConformanceProperty.applicable(to: conformanceRule).map(\.rawValue).joined(separator: ", "))")
        }
        return p
      }
    }
    let settings = try CampaignSettings(profile: profile, defaultProfile: .quick, seed: seed, shard: shard,
                                        shardCount: shardCount, jobs: jobs)
    let chosenProfile = settings.profile, runSeedValue = settings.seed, parsedShard = settings.shard
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let reportDirectory = URL(fileURLWithPath: report, relativeTo: cwd).standardizedFileURL
    let fixtureRoot = fixtures.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
      ?? reportDirectory.appendingPathComponent("fixtures", isDirectory: true)
    let claims = ConformanceClaims.claims(conformanceRule, target: target, properties: chosen)
    let cancellation = CancellationFlag()
    SignalCancellation.install(cancellation)
    defer { SignalCancellation.uninstall() }
    let threads = jobs ?? processorCount
    try Output.line("bgmd conformance: \(conformanceRule.description) against `\(exec)`; seed \(runSeedValue), profile "
      + "\(chosenProfile.rawValue), shard \(parsedShard), \(claims.filter { parsedShard.contains(claim: $0.id) }.count) claims, "
      + "\(threads) threads, time limit \(timeout) s per call")
    let campaign = Campaign(seed: runSeedValue, profile: chosenProfile, shard: parsedShard, threads: threads,
                            cancellation: cancellation, fixtures: FixtureStore(root: fixtureRoot, names: ClaimRegistry.names),
                            progress: ProgressReporter.stderr, names: ClaimRegistry.names)
    let result = campaign.run(claims)
    let preamble = [
      "Conformance of `\(exec)` to our \(conformanceRule.description) (`bgmd conformance`, seed \(runSeedValue), profile `\(chosenProfile.rawValue)`).",
      "Convention: \(conformanceRule.convention). Each claim's controls are in-package adapters with a planted fault.",
    ]
    try ReportWriter.write(result, to: reportDirectory, repositoryRoot: fixtureRoot.deletingLastPathComponent(), preamble: preamble)
    for c in result.claims {
      var line = "  \(c.verdict.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.id) (\(c.method), \(c.cases) cases)"
      if case .object(let phases) = c.evidence, case .object(let u)? = phases["universal"], case .object(let t)? = u["timing"],
        case .number(let ratio)? = t["ratio"], case .number(let ext)? = t["externalMedianSeconds"] {
        line += String(format: "; %.3g s per call, %.3g× ours", ext, ratio)
      }
      try Output.line(line)
      if case .object(let phases) = c.evidence, case .object(let u)? = phases["universal"], case .object(let kinds)? = u["perKind"] {
        for (kind, v) in kinds.sorted(by: { $0.key < $1.key }) {
          guard case .number(let failed)? = v["failed"], failed > 0 else { continue }
          let first: String
          if case .string(let text)? = v["firstFailure"] { first = ": " + String(text.prefix(200)) } else { first = "" }
          var total = 0
          if case .number(let n)? = v["cases"] { total = Int(n) }
          try Output.line("      bad input \(kind): \(Int(failed)) of \(total) failed\(first)")
        }
      }
      if let cx = c.counterexample { try Output.line("      \(cx.summary.prefix(300))\n      fixture: \(cx.fixture)") }
    }
    try Output.line("bgmd conformance: \(ReportText.tally(result.claims)); report in \(reportDirectory.path)"
      + String(format: " (%.1f s)", result.run.seconds))
    if result.run.partial {
      try Output.line("bgmd conformance: interrupted — the report is partial")
      throw ExitCode(130)
    }
  }
}

/// `bgmd conformance-adapter`: our rule, or a planted fault of it, behind the
/// exec protocol (the in-package program the tests run `bgmd conformance` on).
struct ConformanceAdapter: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conformance-adapter",
    abstract: "An aggregator program for `bgmd conformance --exec`: our rule or a planted fault (for tests).",
    shouldDisplay: false
  )

  @Option(help: "The rule (as for bgmd conformance).")
  var rule: String
  @Option var trim: Double = 0.2
  @Option var byzantine: Int = 1
  @Option var epsilon: Double = 1e-6
  @Option(help: "correct, or one of the planted faults: \(ConformanceFault.allCases.map(\.rawValue).joined(separator: ", ")).")
  var fault: String = "correct"
  @Argument var input: String
  @Argument var output: String

  func run() throws {
    guard let f = ConformanceFault(rawValue: fault) else {
      throw ValidationError("--fault \(fault): expected one of \(ConformanceFault.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let r = try ConformanceRule(name: rule, trim: trim, byzantine: byzantine, epsilon: epsilon)
    let matrix: ConformanceMatrix
    switch try MatrixFile.read(path: input) {
    case let .float32(m): matrix = ConformanceMatrix(precision: .float32, rows: m.rowArrays.map { $0.map { Double($0) } })
    case let .float64(m): matrix = ConformanceMatrix(precision: .float64, rows: m.rowArrays)
    }
    switch f {
    case .crash:
      FileHandle.standardError.write(Data("conformance-adapter: planted crash\n".utf8))
      throw ExitCode(3)
    case .hang:
      while true { sleep(3_600) }
    default: break
    }
    let v = try f.apply(r, matrix)
    if matrix.precision == .float32 {
      try MatrixFile.write(vector: v.map { Float($0) }, path: output)
    } else {
      try MatrixFile.write(vector: v, path: output)
    }
  }
}
