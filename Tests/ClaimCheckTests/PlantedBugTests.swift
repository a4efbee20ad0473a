import Testing
@testable import ClaimCheck

/// The engine on itself: planted bugs are found within a stated case budget
/// for at least 99% of seeds.
@Suite struct PlantedBugTests {
  static let seeds = 200
  static let budget = 100

  func foundFraction<T>(_ gen: Gen<T>, _ property: @escaping @Sendable (T) -> Bool) -> Int {
    var found = 0
    for seed in 0..<PlantedBugTests.seeds {
      let config = UniversalConfig(seed: UInt64(seed), cases: PlantedBugTests.budget, shrinkAttempts: 200)
      if checkUniversal(gen, config: config, property).counterexample != nil { found += 1 }
    }
    return found
  }

  @Test func integerBoundBugFound() {
    let found = foundFraction(Gen.int(in: 0...10_000)) { $0 < 1_000 }
    #expect(found * 100 >= PlantedBugTests.seeds * 99, "found in \(found) of \(PlantedBugTests.seeds) seeds")
  }

  @Test func duplicateBugFound() {
    let found = foundFraction(Gen.array(of: Gen.int(in: 0...20), count: 0...30)) { Set($0).count == $0.count }
    #expect(found * 100 >= PlantedBugTests.seeds * 99, "found in \(found) of \(PlantedBugTests.seeds) seeds")
  }

  @Test func sumBugFound() {
    let found = foundFraction(Gen.array(of: Gen.int(in: 0...100), count: 0...20)) { $0.reduce(0, +) < 100 }
    #expect(found * 100 >= PlantedBugTests.seeds * 99, "found in \(found) of \(PlantedBugTests.seeds) seeds")
  }

  @Test func correctPropertyIsNotRefuted() {
    let found = foundFraction(Gen.array(of: Gen.int(in: -50...50), count: 0...20)) { xs in
      xs.sorted() == xs.sorted().sorted() && xs.reduce(0, +) == xs.reversed().reduce(0, +)
    }
    #expect(found == 0)
  }

  @Test func healthCheckFlagsOverFiltering() {
    let gen = Gen.int(in: 0...1_000).filter(attempts: 1) { $0 == 7 }
    let r = checkUniversal(gen, config: UniversalConfig(seed: 1, cases: 100)) { _ in true }
    #expect(r.healthFailure != nil)
    #expect(r.passed == false)
  }
}
