import Foundation
import Testing
@testable import ClaimCheck
import TestSupport

struct SampleInput: Codable, Equatable {
  var matrix: [[String]]
  var scale: Double
}

@Suite struct FixtureTests {
  func temporaryStore() throws -> FixtureStore {
    FixtureStore(root: temporaryDirectory("claimcheck").appendingPathComponent("counterexamples", isDirectory: true))
  }

  @Test func roundTripIntoNestedDirectory() throws {
    let store = try temporaryStore()
    defer { try? FileManager.default.removeItem(at: store.root.deletingLastPathComponent()) }
    let input = SampleInput(matrix: [["1/2", "-3/7"], ["0/1", "5/1"]], scale: 0.1)
    let choices = [Choice(kind: .integer(min: 0, max: 9, shrinkTowards: 0), value: .integer(3)),
                   Choice(kind: .float(min: 0, max: 1, allowNonFinite: false), value: .float(0.1)),
                   Choice(kind: .rational(maxNumerator: 9, maxDenominator: 9), value: .rational(-3, 7)),
                   Choice(kind: .boolean, value: .boolean(true))]
    let url = try store.write(claim: "lemma1/top-k", expect: .refutes, input: input, observed: ["ratio": 1.25],
                              choices: choices, summary: "ratio 1.25 > 1")
    #expect(url.path.hasSuffix("counterexamples/lemma1/top-k/\(url.lastPathComponent)"))
    #expect(url.lastPathComponent.count == "0123456789abcdef.json".count)
    let loaded = try store.load(claim: "lemma1/top-k")
    #expect(loaded.count == 1)
    let fixture = try #require(loaded.first?.fixture)
    #expect(fixture.claim == "lemma1/top-k" && fixture.expect == .refutes && fixture.summary == "ratio 1.25 > 1")
    #expect(fixture.choices?.values == choices.map(\.value))
    let data = try ClaimCheckJSON.encoder().encode(fixture.input)
    #expect(try ClaimCheckJSON.decoder().decode(SampleInput.self, from: data) == input)
    // Same input, same file; no temporary files left behind.
    let again = try store.write(claim: "lemma1/top-k", expect: .refutes, input: input, observed: ["ratio": 1.25])
    #expect(again == url)
    let names = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
    #expect(names == [url.lastPathComponent])
    #expect(try store.load(claim: "lemma1/other").isEmpty)
  }

  @Test func replayRunsStoredChoicesBeforeNewCases() throws {
    let store = try temporaryStore()
    defer { try? FileManager.default.removeItem(at: store.root.deletingLastPathComponent()) }
    let gen = Gen.int(in: 0...10_000)
    let first = checkUniversal(gen, config: UniversalConfig(seed: 4, cases: 200)) { $0 < 1_000 }
    let c = try #require(first.counterexample)
    try store.write(claim: "demo/bound", expect: .refutes, input: ["x": c.value], observed: ["holds": false],
                    choices: c.choices)
    let examples = try store.load(claim: "demo/bound").compactMap { $0.fixture.choices?.values }
    let replayed = checkUniversal(gen, config: UniversalConfig(seed: 99, cases: 0, examples: examples)) { $0 < 1_000 }
    #expect(replayed.counterexample?.value == 1_000)
    #expect(replayed.counterexample?.caseIndex == nil)
    // A fixed bug: the stored counterexample no longer refutes, so replay reports it.
    let stale = try store.replay(claim: "demo/bound") { f in
      guard case .number(let x)? = f.input["x"] else { return false }
      return x < 2_000
    }
    #expect(stale.count == 1)
    let fine = try store.replay(claim: "demo/bound") { f in
      guard case .number(let x)? = f.input["x"] else { return true }
      return x < 1_000
    }
    #expect(fine.isEmpty)
  }

  @Test func malformedFixtureNamesFileAndField() throws {
    let store = try temporaryStore()
    defer { try? FileManager.default.removeItem(at: store.root.deletingLastPathComponent()) }
    let dir = try store.directory(for: "lemma2/bad")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent("00000000deadbeef.json")
    try Data(#"{"schema":"claimcheck-fixture/1","claim":"lemma2/bad","expect":"maybe","input":{},"observed":null}"#.utf8)
      .write(to: file)
    do {
      _ = try store.load(claim: "lemma2/bad")
      Issue.record("expected a FixtureError")
    } catch let error as FixtureError {
      #expect(error.file == file.path)
      #expect(error.field == "expect")
      #expect(error.description.contains(file.path) && error.description.contains("`expect`")
              && error.description.contains("\"refutes\" or \"holds\""))
    }
    try Data(#"{"schema":"claimcheck-fixture/1","claim":"lemma2/bad","expect":"holds","input":1,"observed":2,"choices":{"version":1,"values":[{"int":"x"}]}}"#.utf8)
      .write(to: file)
    #expect(throws: FixtureError.self) { try store.load(claim: "lemma2/bad") }
    do { _ = try store.load(claim: "lemma2/bad") } catch let error as FixtureError { #expect(error.field == "choices.values") }
    try Data("not json".utf8).write(to: file)
    do { _ = try store.load(claim: "lemma2/bad") } catch let error as FixtureError { #expect(error.field == "<root>") }
    #expect(throws: FixtureError.self) { try store.directory(for: "../escape") }
  }

  @Test func campaignContextReplaysStoredFixtures() throws {
    let store = try temporaryStore()
    defer { try? FileManager.default.removeItem(at: store.root.deletingLastPathComponent()) }
    try store.write(claim: "demo/stored", expect: .refutes, input: ["x": 4_321], observed: ["holds": false],
                    choices: [Choice(kind: .integer(min: 0, max: 10_000, shrinkTowards: 0), value: .integer(4_321))])
    let claim = ClaimSpec(id: "demo/stored") { ctx in
      let config = ctx.universalConfig(examples: try ctx.storedChoices())
      let r = checkUniversal(Gen.int(in: 0...10_000), config: config) { $0 < 1_000 }
      return ClaimRecord(id: ctx.id, source: "demo", statement: "x < 1000", verdict: r.passed ? .holds : .refuted,
                         method: "search", cases: r.casesRun, domain: "0…10000",
                         evidence: .object(["replayed": .bool(r.counterexample?.caseIndex == nil)]))
    }
    let report = Campaign(seed: 1, profile: .quick, threads: 1, fixtures: store).run([claim])
    #expect(report.claims.first?.verdict == .refuted)
    #expect(report.claims.first?.evidence["replayed"] == .bool(true))
    #expect(report.claims.first?.cases == 0)
  }

  @Test func failureIsWrittenBeforeAndAfterShrinking() throws {
    let store = try temporaryStore()
    defer { try? FileManager.default.removeItem(at: store.root.deletingLastPathComponent()) }
    let gen = Gen.int(in: 0...10_000)
    let config = UniversalConfig(seed: 6, cases: 200) { choices, shrunk in
      guard let x = try? gen.replay(choices.map(\.value)) else { return }
      _ = try? store.write(claim: "demo/early", expect: .refutes, input: ["x": x], observed: ["shrunk": shrunk],
                           choices: choices)
    }
    let r = checkUniversal(gen, config: config) { $0 < 1_000 }
    let stored = try store.load(claim: "demo/early")
    #expect(stored.count == 2)
    #expect(stored.contains { $0.fixture.input == .object(["x": .number(1_000)]) && $0.fixture.observed["shrunk"] == .bool(true) })
    #expect(stored.contains { $0.fixture.observed["shrunk"] == .bool(false) })
    #expect(try gen.replay(r.counterexample?.choices.map(\.value) ?? []) == 1_000)
  }
}
