import Foundation
import Testing
@testable import ClaimCheck
import TestSupport

/// Negative controls, hypotheses and the `vacuous` verdict.
@Suite struct PowerTests {
  /// "every list of 0…limit sums to less than `bound`", searched.
  static func sumCheck(limit: Int, bound: Int, hypotheses: [Hypothesis] = []) -> @Sendable (ClaimContext) throws -> ClaimRecord {
    { ctx in
      let gen = Gen.array(of: Gen.int(in: 0...limit), count: 0...10)
      let r = checkUniversal(gen, config: ctx.universalConfig()) { $0.reduce(0, +) < bound }
      let phase = PhaseResult(name: "search", verdict: r.passed ? .holds : .refuted, cases: r.casesRun,
                              counterexample: r.counterexample.map {
                                CounterexampleReference(fixture: "f.json", exact: true, summary: "\($0.value)")
                              },
                              evidence: .object(["shrinkAttempts": .number(Double(r.counterexample?.shrinkAttempts ?? 0))]))
      return Judgement.record(id: ctx.id, source: "demo", statement: "sum < \(bound)", domain: "lists",
                              phases: [phase], hypotheses: hypotheses)
    }
  }

  static func run(_ spec: ClaimSpec) -> ClaimRecord {
    Campaign(seed: 3, profile: .quick, threads: 1).run([spec]).claims[0]
  }

  @Test func holdsNeedsEveryControlRefuted() {
    let spec = ClaimSpec(id: "demo/sum", controls: [
      ControlSpec(name: "entries-to-1000", breaks: "entries up to 1000", body: Self.sumCheck(limit: 1000, bound: 1001)),
    ], body: Self.sumCheck(limit: 100, bound: 1001))
    let r = Self.run(spec)
    #expect(r.verdict == .holds)
    #expect(r.power?.refuted == 1 && r.power?.total == 1)
    #expect(r.vacuity == nil)
  }

  @Test func controlThatIsNotRefutedMakesTheVerdictVacuous() {
    let spec = ClaimSpec(id: "demo/sum", controls: [
      ControlSpec(name: "refuted", breaks: "entries up to 1000", body: Self.sumCheck(limit: 1000, bound: 1001)),
      ControlSpec(name: "toothless", breaks: "nothing", body: Self.sumCheck(limit: 50, bound: 1001)),
    ], body: Self.sumCheck(limit: 100, bound: 1001))
    let r = Self.run(spec)
    #expect(r.verdict == .vacuous)
    #expect(r.power?.refuted == 1 && r.power?.total == 2)
    #expect(r.vacuity?.contains("toothless") == true)
    #expect(r.power?.line.contains("toothless: holds") == true)
  }

  @Test func noControlsIsVacuous() {
    let r = Self.run(ClaimSpec(id: "demo/sum", body: Self.sumCheck(limit: 100, bound: 1001)))
    #expect(r.verdict == .vacuous)
    #expect(r.vacuity?.contains("no negative controls") == true)
  }

  @Test func failedHypothesisIsVacuousAndNamed() {
    let hyp = [Hypothesis(name: "α < 1", held: false, detail: "α = 1 on case 3")]
    let spec = ClaimSpec(id: "demo/sum", controls: [
      ControlSpec(name: "c", breaks: "b", body: Self.sumCheck(limit: 1000, bound: 1001)),
    ], body: Self.sumCheck(limit: 100, bound: 1001, hypotheses: hyp))
    let r = Self.run(spec)
    #expect(r.verdict == .vacuous)
    #expect(r.vacuity?.contains("α < 1") == true)
  }

  @Test func refutedClaimsRunNoControls() {
    let spec = ClaimSpec(id: "demo/sum", controls: [
      ControlSpec(name: "c", breaks: "b", body: { _ in Issue.record("control ran"); throw CancellationError() }),
    ], body: Self.sumCheck(limit: 1000, bound: 1001))
    let r = Self.run(spec)
    #expect(r.verdict == .refuted)
    #expect(r.power == nil)
  }

  @Test func controlsRunWithoutStoreOrShrinking() throws {
    let dir = temporaryDirectory("power")
    defer { try? FileManager.default.removeItem(at: dir) }
    let spec = ClaimSpec(id: "demo/sum", controls: [
      ControlSpec(name: "c", breaks: "b", body: { ctx in
        #expect(ctx.fixtures == nil)
        #expect(ctx.budget.shrinkAttempts == 0)
        #expect(ctx.control == "c")
        return try Self.sumCheck(limit: 1000, bound: 1001)(ctx)
      }),
    ], body: Self.sumCheck(limit: 100, bound: 1001))
    let r = Campaign(seed: 3, profile: .quick, threads: 1, fixtures: FixtureStore(root: dir)).run([spec]).claims[0]
    #expect(r.verdict == .holds)
  }

  @Test func combineRule() {
    func p(_ v: Verdict) -> PhaseResult { PhaseResult(name: v.rawValue, verdict: v, cases: 1) }
    #expect(Judgement.combine([]) == .inconclusive)
    #expect(Judgement.combine([p(.proved), p(.proved)]) == .proved)
    #expect(Judgement.combine([p(.proved), p(.holds)]) == .holds)
    #expect(Judgement.combine([p(.holds), p(.inconclusive)]) == .inconclusive)
    #expect(Judgement.combine([p(.inconclusive), p(.refuted)]) == .refuted)
  }

  @Test func recordRoundTripsAndOldRecordsDecode() throws {
    var r = ClaimRecord(id: "a", source: "s", statement: "t", verdict: .vacuous, method: "m", cases: 1, domain: "d")
    r.power = Power(controls: [ControlOutcome(name: "n", breaks: "b", verdict: .refuted, summary: "x")])
    r.hypotheses = [Hypothesis(name: "h", held: true, detail: "d")]
    r.vacuity = "why"
    let data = try ClaimCheckJSON.encoder().encode(r)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"refuted\" : 1") && text.contains("\"total\" : 1"))
    #expect(try ClaimCheckJSON.decoder().decode(ClaimRecord.self, from: data) == r)
    let old = #"{"id":"a","source":"s","statement":"t","verdict":"holds","method":"m","cases":1,"domain":"d","worst":null,"counterexample":null,"evidence":{}}"#
    let decoded = try ClaimCheckJSON.decoder().decode(ClaimRecord.self, from: Data(old.utf8))
    #expect(decoded.power == nil && decoded.hypotheses.isEmpty && decoded.vacuity == nil)
  }
}
