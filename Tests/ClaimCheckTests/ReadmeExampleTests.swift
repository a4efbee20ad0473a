import Foundation
import Testing

@testable import ClaimCheck

/// The README's ClaimCheck example, run as written: write, fail, shrink,
/// store as a fixture, replay.
@Suite struct ReadmeExampleTests {
  @Test func writeFailShrinkStoreReplay() throws {
    // 1. Write.
    let lists = Gen.array(of: Gen.int(in: 0...1_000), count: 0...20)
    let config = UniversalConfig(seed: 42, cases: Profile.quick.budget.cases, threads: processorCount)
    let result = checkUniversal(lists, config: config) { xs in xs.reduce(0, +) <= 100 }
    // 2–3. Fail and shrink.
    let c = try #require(result.counterexample)
    #expect(c.value == [101])
    // 4. Store.
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = FixtureStore(root: root)
    _ = try store.write(claim: "demo/sum", expect: .refutes, input: c.value,
                        observed: ["sum": c.value.reduce(0, +)], choices: c.choices, summary: c.message)
    // 5. Replay: the stored choices rebuild the value, which still fails.
    let stored = try store.load(claim: "demo/sum")
    #expect(stored.count == 1)
    let values = try #require(stored.first?.fixture.choices?.values)
    #expect(try lists.replay(values) == [101])
    // The closure says whether the property held on the fixture's input.
    let stale = try store.replay(claim: "demo/sum") { fixture in
      guard let v = fixture.choices?.values, let xs = try? lists.replay(v) else { return true }
      return xs.reduce(0, +) <= 100
    }
    #expect(stale.isEmpty)
  }
}
