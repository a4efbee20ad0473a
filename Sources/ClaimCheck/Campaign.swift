import Foundation

/// A progress event of a campaign.
public struct ProgressEvent: Sendable, Hashable {
  /// The claim id.
  public var claim: String
  /// 1-based position of the claim in this shard's selection, and its size.
  public var position: Int
  public var total: Int
  /// "start", "progress" (within a claim) or "done".
  public var phase: String
  /// For "progress": cases done of planned, elapsed and estimated remaining time.
  public var detail: String? = nil
}

/// Ready-made progress reporters.
public enum ProgressReporter {
  /// Prints one line per event to standard error, terminal or not (a job
  /// log or CI log sees it as it happens: each line is one unbuffered write).
  public static var stderr: @Sendable (ProgressEvent) -> Void {
    { event in
      let detail = event.detail.map { ": " + $0 } ?? ""
      FileHandle.standardError.write(Data("[\(event.position)/\(event.total)] \(event.claim) \(event.phase)\(detail)\n".utf8))
    }
  }

  /// Like `stderr`, only when standard error is a terminal.
  public static var stderrIfTerminal: @Sendable (ProgressEvent) -> Void {
    let tty = isatty(2) != 0
    let sink = stderr
    return { event in if tty { sink(event) } }
  }

  /// A claim's case counter for `ClaimContext.caseProgress`: emits a
  /// "progress" event (cases done of planned, elapsed, estimated remaining)
  /// at most every `interval` seconds.
  public static func caseCounter(claim: String, position: Int, total: Int, interval: Double,
                                 sink: @escaping @Sendable (ProgressEvent) -> Void) -> @Sendable (Int, Int) -> Void {
    let state = _ThrottleState()
    return { done, planned in
      guard let elapsed = state.due(interval: interval) else { return }
      let remaining = done > 0 && planned > done ? elapsed * Double(planned - done) / Double(done) : 0
      let detail = String(format: "%d of %d cases, %.0f s elapsed, ~%.0f s remaining", done, planned, elapsed, remaining)
      sink(ProgressEvent(claim: claim, position: position, total: total, phase: "progress", detail: detail))
    }
  }
}

final class _ThrottleState: @unchecked Sendable {
  private let lock = NSLock()
  private let start = Date()
  private var last = Date()
  /// The elapsed seconds when at least `interval` passed since the last report, else nil.
  func due(interval: Double) -> Double? {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    guard now.timeIntervalSince(last) >= interval else { return nil }
    last = now
    return now.timeIntervalSince(start)
  }
}

/// What a claim body gets: its seed, budgets, threads, cancellation and fixtures.
public struct ClaimContext: Sendable {
  /// The claim id (slashes allowed, e.g. `lemma1/top-k`).
  public var id: String
  /// Derived from the run seed and the claim id only (not from the selection).
  public var seed: UInt64
  /// The campaign profile and its budgets.
  public var profile: Profile
  public var budget: Budget
  /// Threads the body may use; results must not depend on it.
  public var threads: Int
  /// Checked between batches; set by SIGINT/SIGTERM when installed.
  public var cancellation: CancellationFlag
  /// Where this run's counterexamples live, when configured.
  public var fixtures: FixtureStore?
  /// The negative control this context runs, `nil` for the claim itself.
  /// A control runs without a fixture store and without shrinking.
  public var control: String?
  /// Where a long check reports cases done of planned (throttled by the
  /// campaign); `universalConfig` passes it to `checkUniversal`.
  public var caseProgress: (@Sendable (Int, Int) -> Void)? = nil

  /// The choice sequences of this claim's stored fixtures (none without a store),
  /// to replay before new cases via `universalConfig(examples:)`.
  /// - Throws: `FixtureError` for a malformed fixture file.
  public func storedChoices() throws -> [[ChoiceValue]] {
    try fixtures?.load(claim: id).compactMap { $0.fixture.choices?.values } ?? []
  }

  /// A universal configuration with this context's seed, budgets and threads.
  public func universalConfig(examples: [[ChoiceValue]] = []) -> UniversalConfig {
    var config = UniversalConfig(seed: seed, cases: budget.cases, shrinkAttempts: budget.shrinkAttempts,
                                 shrinkStall: budget.shrinkStall, threads: threads, examples: examples)
    config.progress = caseProgress
    return config
  }
}

extension ClaimContext {
  /// The context a negative control of this claim runs in: same id, seed,
  /// profile, case budget and threads; no fixture store and no shrinking
  /// (the control's counterexample is about a deliberately broken variant).
  public func forControl(_ name: String) -> ClaimContext {
    var c = self
    c.control = name
    c.fixtures = nil
    c.budget.shrinkAttempts = 0
    c.budget.shrinkStall = 0
    return c
  }
}

/// A claim to check: identity plus a body producing its record, and the
/// negative controls that show the body can fail.
public struct ClaimSpec: Sendable {
  /// The claim id; also decides the claim's shard and seed.
  public var id: String
  /// Checks the claim and returns its record; a thrown error makes it `inconclusive`.
  public var body: @Sendable (ClaimContext) throws -> ClaimRecord
  /// The negative controls, run when the body returns `holds` or `proved`.
  public var controls: [ControlSpec]
  /// A claim `id` checked by `body`, with its negative `controls`.
  public init(id: String, controls: [ControlSpec] = [],
              body: @escaping @Sendable (ClaimContext) throws -> ClaimRecord) {
    self.id = id
    self.body = body
    self.controls = controls
  }

  /// Runs the body, then (when it found no counterexample) each control on
  /// the same check, and applies `Judgement.applyPower`. A thrown error makes
  /// the record `inconclusive` with the error under `evidence.error`.
  public func check(_ context: ClaimContext) -> ClaimRecord {
    var record: ClaimRecord
    do { record = try body(context) } catch {
      return ClaimRecord(id: id, source: "", statement: "", verdict: .inconclusive, method: "error",
                         cases: 0, domain: "", evidence: .object(["error": .string("\(error)")]))
    }
    guard record.verdict == .holds || record.verdict == .proved else { return record }
    var outcomes: [ControlOutcome] = []
    for control in controls {
      if context.cancellation.isCancelled { break }
      let outcome: ControlOutcome
      do {
        let r = try control.body(context.forControl(control.name))
        let summary = r.counterexample?.summary ?? r.vacuity ?? r.worst.map {
          "worst \($0.ratio.map { String($0) } ?? "—")\($0.case.map { ": " + $0 } ?? "")"
        } ?? "no counterexample"
        outcome = ControlOutcome(name: control.name, breaks: control.breaks, verdict: r.verdict, summary: summary)
      } catch {
        outcome = ControlOutcome(name: control.name, breaks: control.breaks, verdict: .inconclusive,
                                 summary: "error: \(error)")
      }
      outcomes.append(outcome)
    }
    record.power = Power(controls: outcomes)
    return Judgement.applyPower(record)
  }
}

/// A campaign: one run seed, a profile, a shard, threads.
///
/// Each claim's seed is split from the run seed by the claim id, so a claim's
/// result does not depend on the selection, the shard or the thread count.
/// Claims run one after another (each may use all threads); when cancelled,
/// the remaining claims are skipped and the report is marked partial.
public struct Campaign: Sendable {
  /// The run seed every claim and case seed is split from.
  public var seed: UInt64
  /// Budgets (`BGMD_PROFILE` is read by `Profile.fromEnvironment`).
  public var profile: Profile
  /// The slice of claims this process runs.
  public var shard: Shard
  public var threads: Int
  public var cancellation: CancellationFlag
  public var fixtures: FixtureStore?
  public var progress: (@Sendable (ProgressEvent) -> Void)?
  /// The application's names (the report's schema tag).
  public var names: EngineNames
  /// Least seconds between two "progress" events of one claim.
  public var progressInterval: Double = 5

  /// A campaign; `threads` defaults to the active processor count.
  public init(seed: UInt64, profile: Profile, shard: Shard = .all, threads: Int = processorCount,
              cancellation: CancellationFlag = CancellationFlag(), fixtures: FixtureStore? = nil,
              progress: (@Sendable (ProgressEvent) -> Void)? = nil, names: EngineNames = .default) {
    self.seed = seed
    self.profile = profile
    self.shard = shard
    self.threads = threads
    self.cancellation = cancellation
    self.fixtures = fixtures
    self.progress = progress
    self.names = names
  }

  /// The seed of claim `id` in this run.
  public func claimSeed(_ id: String) -> UInt64 {
    PRNG.caseSeed(runSeed: seed, caseIndex: Shard.stableIndex(of: id))
  }

  /// Runs this shard's claims (sorted by id) and builds the report.
  ///
  /// Each claim is checked by `ClaimSpec.check` (body, controls, judgement);
  /// a body that throws yields `inconclusive` with the error under
  /// `evidence.error`. Per-claim wall time goes to `evidence.seconds`.
  public func run(_ claims: [ClaimSpec]) -> ClaimReport {
    let start = Date()
    let selected = claims.filter { shard.contains(claim: $0.id) }.sorted { $0.id < $1.id }
    var records: [ClaimRecord] = []
    var partial = false
    for (k, claim) in selected.enumerated() {
      if cancellation.isCancelled {
        partial = true
        break
      }
      progress?(ProgressEvent(claim: claim.id, position: k + 1, total: selected.count, phase: "start"))
      var context = ClaimContext(id: claim.id, seed: claimSeed(claim.id), profile: profile, budget: profile.budget,
                                 threads: threads, cancellation: cancellation, fixtures: fixtures)
      if let sink = progress {
        context.caseProgress = ProgressReporter.caseCounter(claim: claim.id, position: k + 1, total: selected.count,
                                                            interval: progressInterval, sink: sink)
      }
      let t0 = Date()
      var record = claim.check(context)
      if case .object(var o) = record.evidence {
        o["seconds"] = .number(Date().timeIntervalSince(t0))
        record.evidence = .object(o)
      }
      records.append(record)
      progress?(ProgressEvent(claim: claim.id, position: k + 1, total: selected.count, phase: "done"))
    }
    if cancellation.isCancelled { partial = true }
    let run = RunInfo(seed: seed, profile: profile.rawValue, shard: shard.description,
                      seconds: Date().timeIntervalSince(start), partial: partial)
    return ClaimReport(run: run, claims: records, schema: names.reportSchema)
  }
}
