import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Testing

@testable import BGMDClaims

@Suite struct BreakdownTests {
  @Test func scaledNormIsTheEuclideanNormWithoutOverflow() {
    #expect(scaledNorm([3, 4]) == 5)
    #expect(scaledNorm([1e200, 1e200]) == 1e200 * 2.0.squareRoot())
    #expect(scaledNorm([1, .nan]).isNaN)
    #expect(scaledNorm([0, 0]) == 0)
  }

  @Test func curvesGrowingWithMagnitudeBreakAndFlatOnesDoNot() {
    let scales = geometricScales(step: 3)
    let linear = BreakdownCurve(attack: BreakdownAttack(name: "constant"), scales: scales,
                                outcomes: scales.map { .deviation($0 / 3) })
    #expect(linear.breaks)
    let flat = BreakdownCurve(attack: BreakdownAttack(name: "constant"), scales: scales,
                              outcomes: scales.map { _ in .deviation(2) })
    #expect(!flat.breaks)
    var withNaN = scales.map { _ in BreakdownOutcome.deviation(1) }
    withNaN[2] = .nonFinite
    #expect(BreakdownCurve(attack: BreakdownAttack(name: "mimic"), scales: scales, outcomes: withNaN).breaks)
    var withError = scales.map { _ in BreakdownOutcome.deviation(1) }
    withError[0] = .error("refused")
    #expect(BreakdownCurve(attack: BreakdownAttack(name: "mimic"), scales: scales, outcomes: withError).breaks)
  }

  static func aggregateCase(_ rule: String, rows: [[Double]], m: Int, attack: String) -> AggregateBreakdownCase {
    AggregateBreakdownCase(rule: rule, rows: rows, badCount: m, attacks: [BreakdownAttack(name: attack)],
                           scales: geometricScales(step: 3), ruleSeed: 1, blockSize: 1, trimming: 0.2,
                           krumByzantine: 1, medianEpsilon: 1e-12)
  }

  @Test func oneConstantRowMovesTheMeanByMOverB() {
    // Rows 0, 0, 0; slot 0 becomes M·𝟙: mean = M/3, good mean 0.
    let c = Self.aggregateCase("mean", rows: [[0], [0], [0]], m: 1, attack: "constant")
    #expect(c.outcome(c.attacks[0], magnitude: 3) == .deviation(1))
    #expect(c.breaks)
  }

  @Test func theGeometricMedianOfFiveRowsResistsTwo() {
    let rows: [[Double]] = [[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]]
    for rule in ["geometric-median", "coordinate-median", "block-gm/top-k"] {
      #expect(!Self.aggregateCase(rule, rows: rows, m: 2, attack: "constant").breaks, "\(rule)")
      #expect(Self.aggregateCase(rule, rows: rows, m: 3, attack: "constant").breaks, "\(rule) at m = 3 of 5")
    }
  }

  @Test func nonFiniteRowsAreExcludedByRobustRulesAndPropagatedByTheMean() {
    // Good rows 1 and 3 (mean 2); the coordinate median of {1, 3} is 2.
    let cm = Self.aggregateCase("coordinate-median", rows: [[7], [1], [3]], m: 1, attack: "non-finite-nan")
    #expect(cm.outcome(cm.attacks[0], magnitude: 1) == .deviation(0))
    let mean = Self.aggregateCase("mean", rows: [[7], [1], [3]], m: 1, attack: "non-finite-nan")
    #expect(mean.outcome(mean.attacks[0], magnitude: 1) == .nonFinite)
    // Two of three rows non-finite: the robust rule refuses (documented), which counts as breaking.
    let refused = Self.aggregateCase("coordinate-median", rows: [[7], [1], [3]], m: 2, attack: "non-finite-nan")
    if case .error = refused.outcome(refused.attacks[0], magnitude: 1) {} else { Issue.record("expected a refusal") }
  }

  @Test func mixedAttackLoadsOnlyTheMaskedCoordinates() throws {
    let view = AdversaryView<Double>(goodRows: try Matrix([[1, 1], [1, 1], [3, 3]]), badSlots: [0], iterate: [0, 0])
    let attack = MixedAttack(signFlip: 0, constant: 1, alie: 0, memory: 0, mask: [true, false])
    let rows = attack.rows(view, magnitude: 10)
    // Good mean (2, 2); constant direction 𝟙/√2 on coordinate 0 only.
    #expect(rows == [[2 + 10 / 2.0.squareRoot(), 2]])
  }

  @Test func jacobiFindsTheLargestEigenvalue() {
    #expect(GMRobustnessCase.largestEigenvalue([[2, 0], [0, 5]]) == 5)
    #expect(abs(GMRobustnessCase.largestEigenvalue([[2, 1], [1, 2]]) - 3) < 1e-14)
  }

  @Test func certifiedAccuracyContainsTheReferenceMedian() throws {
    // ANCHORS.md reference value (Vardi–Zhang to 1e-14, printed to 7 decimals).
    let points: [[Double]] = [[1, 2, 3], [-1, 4, -1], [2, 2, 3], [3, 1, 3]]
    let solution = try geometricMedian(try Matrix(points), options: GeometricMedianOptions(epsilon: 1e-12))
    let delta = GMRobustnessCase.accuracyBound(points: points, median: solution.point, certificate: solution.certificate)
    let reference = [1.8775256, 1.9649419, 2.9094887]
    #expect(delta.isFinite && delta < 1e-3)
    #expect(scaledNorm(zip(solution.point, reference).map { $0 - $1 }) <= delta + 1e-7)
    // Collinear points give no curvature: no bound.
    let line: [[Double]] = [[0, 0], [1, 1], [3, 3], [4, 4]]
    let s2 = try geometricMedian(try Matrix(line))
    #expect(GMRobustnessCase.accuracyBound(points: line, median: s2.point, certificate: s2.certificate) == .infinity)
  }

  @Test func dataPointMediansAreCertifiedExactly() {
    // The angle at the origin between (1, 0) and (−1, 1/8) exceeds 120°: the origin is the median.
    #expect(GMRobustnessExact.isMedian(points: [[0, 0], [1, 0], [-1, 0.125]], index: 0))
    #expect(!GMRobustnessExact.isMedian(points: [[0, 0], [1, 0], [0, 1]], index: 0))
    // ANCHORS.md: {(0,0),(5,0),(5,±0.1),(−15,0)} has its median off the data points.
    #expect(!GMRobustnessExact.isMedian(points: [[0, 0], [5, 0], [5, 0.1], [5, -0.1], [-15, 0]], index: 1))
    #expect(GMRobustnessExact.satisfiesBound([1, 0], center: [0, 0], radius: 1, outside: 0, count: 3) == true)
    #expect(GMRobustnessExact.satisfiesBound([2, 0], center: [0, 0], radius: 1, outside: 0, count: 3) == false)
    // α = 1/3: C_α = (2/3)/√(1/3) ≈ 1.1547.
    #expect(GMRobustnessExact.satisfiesBound([1.15, 0], center: [0, 0], radius: 1, outside: 1, count: 3) == true)
    #expect(GMRobustnessExact.satisfiesBound([1.16, 0], center: [0, 0], radius: 1, outside: 1, count: 3) == false)
  }

  @Test func theBoundIsAttainedAtADataPointOnTheSphere() {
    // Two points at (1, 0), one at (−1, 0): the median is (1, 0), on the sphere of radius 1; α = 0, C_0 = 1.
    let c = GMRobustnessCase(center: [0, 0], radius: 1, points: [[1, 0], [1, 0], [-1, 0]])
    let r = c.evaluate()
    #expect(r.applicable && r.outside == 0 && r.exactDecision == true && r.ratio == 1)
    #expect(r.certifiedHold && !r.certifiedViolation)
    // All points well inside: the median is in their hull, certified inside.
    let inside = GMRobustnessCase(center: [0, 0], radius: 1, points: [[0.5, 0], [-0.5, 0.1], [0, 0.5], [0.1, -0.4]])
    #expect(inside.evaluate().certifiedHold)
  }

  @Test func theTangentConfigurationAttainsTheBound() {
    let r = GMRobustnessCase.tangentExample.evaluate()
    #expect(r.applicable && !r.certifiedViolation)
    #expect(abs(r.ratio - 1) < 1e-6, "ratio \(r.ratio), α = \(r.alpha)")
  }

  @Test func averagedMemoryTrainingFixtureReplays() throws {
    let c = TrainingBreakdownCase(
      method: "bgmd/averaged/top-k", problemSeed: 7, dimension: 4, rows: 5, blockSize: 1, iterations: 10,
      trainingSeed: 0xFFFF_FFFF_FFFF_FFF1, schedule: "fixed", badCount: 1, attacks: [BreakdownAttack(name: "constant")],
      scales: geometricScales(step: 4), medianEpsilon: 1e-12)
    let breaks = try c.curves().contains(where: \.breaks)
    let fixture = Fixture(claim: "breakdown/training/bgmd/averaged/top-k", expect: .refutes,
                          input: try JSONValue(encoding: c), observed: .object(["breaks": .bool(breaks)]))
    #expect(breaks)
    #expect(try BreakdownClaims.replay(fixture))
    var flipped = fixture
    flipped.observed = .object(["breaks": .bool(!breaks)])
    #expect(try !BreakdownClaims.replay(flipped))
    // The seed survives JSON as a string.
    #expect(fixture.input["trainingSeed"] == .string("18446744073709551601"))
  }

  @Test func noMemoryTrainingStaysBoundedUnderAConstantAttack() throws {
    let c = TrainingBreakdownCase(
      method: "bgmd/none/top-k", problemSeed: 7, dimension: 4, rows: 5, blockSize: 1, iterations: 10,
      trainingSeed: 3, schedule: "dynamic", badCount: 2, attacks: [BreakdownAttack(name: "constant")],
      scales: geometricScales(step: 4), medianEpsilon: 1e-12)
    #expect(try !c.curves().contains(where: \.breaks))
  }

  @Test func familyRegistersEveryClaimId() {
    let ids = Set(BreakdownClaims.family.claims.map(\.id))
    // 10 aggregation claims; sgd, cmd, gmd and bgmd/<memory>/<reading>; gm/robustness-bound.
    #expect(ids.count == 10 + 3 + MemoryVariant.allCases.count * SelectionReading.allCases.count + 1)
    #expect(ids.contains("breakdown/training/bgmd/norm-filtered/successive"))
    #expect(ids.contains("breakdown/aggregate/block-gm/with-replacement"))
    #expect(ids.contains("breakdown/training/bgmd/per-row/top-k"))
    #expect(ids.contains("gm/robustness-bound"))
  }
}
