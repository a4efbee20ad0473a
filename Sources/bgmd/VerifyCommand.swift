import ArgumentParser
import BGMDClaims
import ClaimCheck
import Foundation

/// `bgmd verify`: runs the claim campaign and writes the claim report.
struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check the paper's claims and write a claim report (claims.json, claims.md, claims.html).",
    discussion: """
      Exit status: 0 when the run completed (whatever the verdicts); 1 with --strict when a verdict \
      differs from Proofs/verdicts.json; 130 when the run was interrupted (SIGINT/SIGTERM: the partial \
      report is written and marked partial). --record rewrites the run profile's section of \
      Proofs/verdicts.json and, for a full standard run, Proofs/REPORT.md.
      """
  )

  @Option(name: .customLong("claim"), parsing: .upToNextOption,
          help: "Claim ids or id prefixes (e.g. lemma1, lemma5/corrupted); default: every registered claim.")
  var claims: [String] = []
  @Option(help: "quick, standard or deep (default standard; BGMD_PROFILE overrides the default).")
  var profile: String?
  @Option(help: "The run seed (default 1; BGMD_SEED overrides the default).")
  var seed: UInt64?
  @Option(parsing: .unconditional, help: "Threads (default: the active processor count). Results do not depend on it.")
  var jobs: Int?
  @Option(help: "Run shard I of N (e.g. 2/4), or auto: from JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID/COUNT (Slurm) or CI_NODE_INDEX/TOTAL (GitLab). Join the shard reports with `bgmd report merge`.")
  var shard: String = "1/1"
  @Option(help: "With --shard auto on a Kubernetes Indexed Job: the number of shards (the Job's completions; default BGMD_SHARD_COUNT).")
  var shardCount: Int?
  @Option(help: "Directory of the report files.")
  var report: String = "reports"
  @Option(help: "Directory of counterexample fixtures (written as they are found).")
  var fixtures: String = "fixtures/counterexamples"
  @Flag(help: "Rewrite Proofs/verdicts.json (this profile's section) and, for a full standard run, Proofs/REPORT.md.")
  var record = false
  @Flag(help: "Exit 1 when a verdict differs from Proofs/verdicts.json.")
  var strict = false

  func run() throws {
    let settings = try CampaignSettings(profile: profile, defaultProfile: .standard, seed: seed, shard: shard,
                                        shardCount: shardCount, jobs: jobs)
    let chosenProfile = settings.profile, runSeedValue = settings.seed, parsedShard = settings.shard
    let selected = ClaimRegistry.select(claims)
    guard !selected.isEmpty else {
      throw ValidationError(ClaimRegistry.all.isEmpty
        ? "no claims are registered" : "no registered claim matches \(claims.joined(separator: ", "))")
    }
    if record && parsedShard.count != 1 { throw ValidationError("--record needs a whole run (--shard 1/1)") }

    let root = PackageRoot.current()
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let reportDirectory = URL(fileURLWithPath: report, relativeTo: cwd).standardizedFileURL
    let fixtureRoot = URL(fileURLWithPath: fixtures, relativeTo: cwd).standardizedFileURL
    // A counterexample found must be stored: a store that cannot be
    // written is an error now, not an inconclusive claim later.
    let store = FixtureStore(root: fixtureRoot, names: ClaimRegistry.names)
    do { try store.checkWritable() } catch { throw CommandError("--fixtures: \(error)") }
    let cancellation = CancellationFlag()
    SignalCancellation.install(cancellation)
    defer { SignalCancellation.uninstall() }
    let threads = jobs ?? processorCount
    try Output.line("bgmd verify: seed \(runSeedValue), profile \(chosenProfile.rawValue), shard \(parsedShard), "
      + "\(selected.filter { parsedShard.contains(claim: $0.id) }.count) claims, \(threads) threads")
    let campaign = Campaign(seed: runSeedValue, profile: chosenProfile, shard: parsedShard, threads: threads,
                            cancellation: cancellation, fixtures: store,
                            progress: ProgressReporter.stderr, names: ClaimRegistry.names)
    let result = Self.relocatingFixtures(campaign.run(selected), store: fixtureRoot, root: root)
    try ReportWriter.write(result, to: reportDirectory, repositoryRoot: root)
    for c in result.claims {
      let worst = c.worst?.ratio.map { ", worst \(ReportText.ratio($0))" } ?? ""
      try Output.line("  \(c.verdict.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.id) (\(c.method), \(c.cases) cases\(worst))")
    }
    try Output.line("bgmd verify: \(ReportText.tally(result.claims)); report in \(reportDirectory.path)"
      + String(format: " (%.1f s)", result.run.seconds))
    if result.run.partial {
      try Output.line("bgmd verify: interrupted — the report is partial")
      throw ExitCode(130)
    }
    // A claim whose check stopped on an error (of the implementation, of
    // the fixture store) has no verdict about the paper: said loudly, and
    // the exit is 1 once the reports are written.
    let failed = result.claims.filter { $0.method == "error" }
    for c in failed {
      let message: String
      if case .object(let o) = c.evidence, case .string(let text)? = o["error"] { message = text } else { message = "" }
      Output.note("bgmd verify: \(c.id) stopped on an error, no verdict: \(message)")
    }

    let verdictURL = root.appendingPathComponent("Proofs/verdicts.json")
    if record {
      var file = try VerdictFile.load(verdictURL)
      file.record(result, replaceSection: claims.isEmpty)
      try FileManager.default.createDirectory(at: verdictURL.deletingLastPathComponent(), withIntermediateDirectories: true)
      try file.encoded().write(to: verdictURL, options: .atomic)
      try Output.line("bgmd verify: recorded the \(chosenProfile.rawValue) verdicts in \(verdictURL.path)")
      if chosenProfile == .standard && claims.isEmpty {
        let reportURL = root.appendingPathComponent("Proofs/REPORT.md")
        let command = "swift run -c release bgmd verify --seed \(runSeedValue) --profile standard --record"
        let preamble = [
          "Generated by `\(command)` (seed \(runSeedValue), profile `standard`); do not edit by hand.",
          "The expected verdicts are in `Proofs/verdicts.json`; each family's checks are explained in its `Proofs/` document.",
        ]
        let text = MarkdownReport.render(result, fixtureLinkPrefix: ReportWriter.relativePrefix(
          from: reportURL.deletingLastPathComponent(), to: root), preamble: preamble)
        try Data(text.utf8).write(to: reportURL, options: .atomic)
        try Output.line("bgmd verify: wrote \(reportURL.path)")
      }
    }
    if !failed.isEmpty { throw ExitCode(1) }
    if strict {
      let differences = try VerdictFile.load(verdictURL).differences(result)
      if !differences.isEmpty {
        for d in differences { try Output.line("bgmd verify: verdict moved: \(d)") }
        throw ExitCode(1)
      }
    }
  }

  /// The report with its fixture references pointing where the store wrote
  /// them: unchanged for the repository's `fixtures/counterexamples`; for
  /// another `--fixtures DIR`, `fixtures/counterexamples/…` becomes DIR/…
  /// (relative to the repository root when DIR is inside it, else absolute),
  /// so claims.json, claims.md and claims.html link to the files written.
  static func relocatingFixtures(_ report: ClaimReport, store: URL, root: URL) -> ClaimReport {
    let standard = root.appendingPathComponent("fixtures/counterexamples").standardizedFileURL.resolvingSymlinksInPath()
    let target = store.standardizedFileURL.resolvingSymlinksInPath()
    if standard.path == target.path { return report }
    let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
    let base = target.path.hasPrefix(rootPath + "/") ? String(target.path.dropFirst(rootPath.count + 1)) : target.path
    let prefix = "fixtures/counterexamples/"
    var relocated = report
    for i in relocated.claims.indices {
      if var x = relocated.claims[i].counterexample, x.fixture.hasPrefix(prefix) {
        x.fixture = base + "/" + x.fixture.dropFirst(prefix.count)
        relocated.claims[i].counterexample = x
      }
    }
    return relocated
  }
}
