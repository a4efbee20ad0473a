import Foundation
import Testing
@testable import ClaimCheck

@Suite struct ReportTests {
  /// An application's names, passed in (the engine hard-codes none).
  static let names = EngineNames(environmentPrefix: "APP", reportSchema: "app-claims/1", fixtureSchema: "app-fixture/1")

  /// Three small claims of each kind, written against the public API.
  static func claims() -> [ClaimSpec] {
    [
      ClaimSpec(id: "demo/sum-bounded") { ctx in
        let gen = Gen.array(of: Gen.int(in: 0...100), count: 0...10)
        let r = checkUniversal(gen, config: ctx.universalConfig()) { $0.reduce(0, +) < 300 }
        return ClaimRecord(id: ctx.id, source: "demo", statement: "sum < 300", verdict: r.passed ? .holds : .refuted,
                           method: "search", cases: r.casesRun, domain: "lists of 0…100",
                           counterexample: r.counterexample.map {
                             CounterexampleReference(fixture: "fixtures/counterexamples/demo/x.json", exact: true,
                                                     summary: "\($0.value)")
                           },
                           evidence: .object(["shrinkAttempts": .number(Double(r.counterexample?.shrinkAttempts ?? 0))]))
      },
      ClaimSpec(id: "demo/mean") { ctx in
        let plan = try SequentialPlan(range: 0...1, bound: 0.5, alpha: 1e-6, beta: 1e-3, margin: 0.1)
        let r = try checkExpectation(Gen.double(in: 0...1), plan: plan, seed: ctx.seed, threads: ctx.threads)
        return ClaimRecord(id: ctx.id, source: "demo", statement: "E[U] ≤ 1/2", verdict: r.decision == .holds ? .holds : .refuted,
                           method: "sequential-test", cases: r.samples, domain: "U(0,1)",
                           worst: WorstCase(ratio: r.estimate / 0.5, case: nil), evidence: r.json)
      },
      ClaimSpec(id: "demo/targeted") { ctx in
        let t = searchTargeted(Gen.double(in: 0...10), seed: ctx.seed, starts: 30, steps: 100, threads: ctx.threads) { x in
          x / 10
        }
        return ClaimRecord(id: ctx.id, source: "demo", statement: "x/10 ≤ 1", verdict: t.bestScore <= 1 ? .holds : .refuted,
                           method: "targeted", cases: t.evaluations, domain: "[0, 10]",
                           worst: WorstCase(ratio: t.bestScore, case: t.description), evidence: .object([:]))
      },
    ]
  }

  @Test func reportIsByteIdenticalAcrossRunsAndThreads() throws {
    let encodings = try [1, 4, 1].map { threads in
      try Campaign(seed: 7, profile: .quick, threads: threads, names: Self.names).run(ReportTests.claims()).strippingTimings().encoded()
    }
    #expect(encodings[0] == encodings[1])
    #expect(encodings[0] == encodings[2])
    let text = String(decoding: encodings[0], as: UTF8.self)
    #expect(text.contains(#""schema" : "app-claims/1""#))
    #expect(text.contains(#""id" : "demo/mean""#))
    #expect(text.contains(#""counterexample" : null"#))
    #expect(text.contains(#""shard" : "1/1""#) && text.contains(#""partial" : false"#))
    let json = try ClaimCheckJSON.decoder().decode(JSONValue.self, from: encodings[0])
    guard case .array(let claims)? = json["claims"], case .object(let first)? = claims.first else {
      Issue.record("claims missing")
      return
    }
    #expect(Set(first.keys) == ["id", "source", "statement", "verdict", "method", "cases", "domain", "worst",
                                "counterexample", "evidence", "power", "hypotheses", "vacuity"])
    #expect(Set(json["run"].map { if case .object(let o) = $0 { return Array(o.keys) } else { return [] } } ?? [])
            == ["seed", "profile", "shard", "seconds", "partial"])
  }

  @Test func shardReportsMergeToTheFullReport() throws {
    let full = Campaign(seed: 3, profile: .quick, threads: 2).run(ReportTests.claims())
    let parts = try (1...2).map { i in
      Campaign(seed: 3, profile: .quick, shard: try Shard(index: i, count: 2), threads: 1).run(ReportTests.claims())
    }
    #expect(parts.map(\.claims.count).reduce(0, +) == 3)
    let merged = try ClaimReport.merge(parts)
    #expect(try merged.strippingTimings().encoded() == full.strippingTimings().encoded())
    #expect(throws: ReportMergeError.self) { try ClaimReport.merge([full, full]) }
    var other = parts[1]
    other.run.seed = 4
    #expect(throws: ReportMergeError.self) { try ClaimReport.merge([parts[0], other]) }
  }

  @Test func cancelledCampaignIsPartial() {
    let flag = CancellationFlag()
    flag.cancel()
    let report = Campaign(seed: 1, profile: .quick, cancellation: flag).run(ReportTests.claims())
    #expect(report.run.partial)
    #expect(report.claims.isEmpty)
  }

  @Test func shardsPartitionEveryIndexExactlyOnce() throws {
    for n in 1...6 {
      let shards = try (1...n).map { try Shard(parsing: "\($0)/\(n)") }
      for k in UInt64(0)..<500 {
        #expect(shards.filter { $0.contains(stableIndex: k) }.count == 1)
      }
      let ids = (0..<100).map { "claim\($0)/x" }
      #expect(ids.allSatisfy { id in shards.filter { $0.contains(claim: id) }.count == 1 })
    }
    for bad in ["0/3", "4/3", "a/b", "3", "1/0", "1/2/3"] {
      #expect(throws: ShardError.self) { try Shard(parsing: bad) }
    }
    #expect(try Shard(parsing: "2/5").description == "2/5")
  }

  @Test func profileAndSeedFromEnvironment() throws {
    #expect(try Profile.fromEnvironment(default: .standard, environment: [:]) == .standard)
    #expect(try Profile.fromEnvironment(default: .standard, names: Self.names, environment: ["APP_PROFILE": "deep"]) == .deep)
    #expect(try Profile.fromEnvironment(default: .standard, environment: ["CLAIMCHECK_PROFILE": "deep"]) == .deep)
    #expect(try Profile.fromEnvironment(default: .quick, names: Self.names, environment: ["CLAIMCHECK_PROFILE": "deep"]) == .quick)
    #expect(throws: ConfigurationError.self) {
      try Profile.fromEnvironment(default: .quick, names: Self.names, environment: ["APP_PROFILE": "fast"])
    }
    #expect(try runSeed(default: 1, names: Self.names, environment: ["APP_SEED": "0x10"]) == 16)
    #expect(throws: ConfigurationError.self) { try runSeed(default: 1, names: Self.names, environment: ["APP_SEED": "-1"]) }
    #expect(Profile.quick.budget.cases < Profile.standard.budget.cases)
  }
}

