import BGMD
import ClaimCheck
import Foundation
import Randomness
import Testing

@testable import BGMDClaims

/// Lemma 5's floating phase on inputs at the edge of the Double range, and
/// how a fault of the implementation is reported.
@Suite struct Lemma5HostileTests {
  /// The `lemma5/clean` case a deep run reported as a refutation: γ·g is
  /// subnormal (0.394 × the smallest normal Double), and the geometric
  /// median of that single row came back NaN, which the check read as a
  /// gap. The median of one row is the row: the identity holds to rounding.
  @Test func subnormalStepTimesGradientIsNotAGap() throws {
    let json = """
      {"arithmetic": "double", "memory": "averaged", "schedule": "clean", "reading": "successive", "k": 1,
       "stepSize": 0.394, "initialIterate": [0],
       "gradients": [[[-1.1754943508222875e-38]], [[2.2250738585072014e-308]], [[0.0233]]],
       "badSlots": [[], [], []], "badRows": [[], [], []], "selectionSeed": 1}
      """
    let c = try ClaimCheckJSON.decoder().decode(Lemma5Case<Double>.self, from: Data(json.utf8))
    let r = try c.roundingRatio()
    #expect(r.ratio <= 1 && r.ratio.isFinite, "\(r)")
    // The aggregate the check relies on: a 1 × 1 subnormal matrix.
    var rng = Xoshiro256(seed: 1)
    let gm = try GeometricMedian<Double>().aggregate(try Matrix([[8.77e-309]]), using: &rng)
    #expect(gm.vector == [8.77e-309] && gm.certificate?.converged == true)
  }

  @Test func anImplementationErrorNamesTheCheckAndCarriesTheInput() {
    let error = ImplementationError(check: "Lemma 5 in Double", input: ["x": 1.5], detail: "NaN at t = 2")
    #expect(error.description.contains("not a verdict about the paper"))
    #expect(error.description.contains("Lemma 5 in Double") && error.description.contains("NaN at t = 2"))
    #expect(error.input.contains("1.5"))
  }
}
