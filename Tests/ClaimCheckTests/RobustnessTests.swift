import Foundation
import Testing
@testable import ClaimCheck

@Suite struct RobustnessTests {
  @Test func extremeRangesDrawAndShrinkWithoutTrapping() {
    let ints = zip(Gen.int(in: Int.min...Int.max), Gen.int(in: Int.min...Int.max))
    let r = checkUniversal(ints, config: UniversalConfig(seed: 1, cases: 200)) { $0.0 < 1_000_000 }
    #expect(r.counterexample?.value.0 == 1_000_000)
    let doubles = Gen.double(in: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    let d = checkUniversal(doubles, config: UniversalConfig(seed: 1, cases: 200)) { x in x.isFinite && x < 1e200 }
    let v = d.counterexample?.value ?? 0
    #expect(v >= 1e200 && v.isFinite)
  }

  @Test func nonFiniteValuesOnlyWhenAsked() throws {
    let finite = Gen.double(in: -1...1)
    #expect(try (UInt64(0)..<500).allSatisfy { try finite.example(seed: $0).isFinite })
    let any = Gen.double(in: -1...1, allowNonFinite: true)
    #expect(try (UInt64(0)..<500).contains { try !any.example(seed: $0).isFinite })
    // The shrinker maps NaN to a finite value when that still fails.
    let r = checkUniversal(any, config: UniversalConfig(seed: 3, cases: 500)) { !($0.isNaN || $0 > 0.5) }
    #expect(r.counterexample?.value == 1)
  }

  @Test func sigintSetsTheCancellationFlag() async throws {
    let flag = CancellationFlag()
    SignalCancellation.install(flag)
    defer { SignalCancellation.uninstall() }
    kill(getpid(), SIGINT)
    for _ in 0..<200 where !flag.isCancelled { try await Task.sleep(nanoseconds: 5_000_000) }
    #expect(flag.isCancelled)
  }

  @Test func replayedPrefixPastItsEndTakesSimplestValues() throws {
    let gen = Gen.array(of: Gen.int(in: 5...9, shrinkTowards: 7), count: 2...5)
    var source = ChoiceSource(prefix: [.integer(9)], tail: .simplest)
    #expect(try gen.generate(&source) == [9, 7])
    // A value of the wrong kind becomes the simplest; out of range is clamped.
    var coerced = ChoiceSource(prefix: [.boolean(true), .integer(100)], tail: .simplest)
    #expect(try gen.generate(&coerced) == [7, 9])
  }
}
