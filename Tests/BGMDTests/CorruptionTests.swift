import ExactArithmetic
import Foundation
import Randomness
import Testing
@testable import BGMD

@Suite struct CorruptionTests {
  /// Four honest rows in ℚ²; slots 1 and 3 are bad, so 𝔾 = {0, 2}.
  static func view() throws -> AdversaryView<Rational> {
    let rows = try Matrix<Rational>([[1, 2], [10, 20], [3, -4], [Rational(1, 2), 0]])
    return AdversaryView(goodRows: rows, badSlots: [1, 3], iterate: [0, 0], iteration: 5)
  }

  @Test func fixedScheduleRepeats() {
    var rng = Xoshiro256(seed: 41)
    let first = CorruptionSchedule.fixedFirst(rows: 10, badCount: 3)
    let random = CorruptionSchedule.fixedRandom(rows: 10, badCount: 4, using: &rng)
    for t in 0..<10 {
      #expect(first.badSlots(iteration: t, using: &rng) == [0, 1, 2])
      #expect(random.badSlots(iteration: t, using: &rng) == random.fixedSlots)
    }
    #expect(random.fixedSlots.count == 4 && Set(random.fixedSlots).count == 4)
  }

  @Test func dynamicScheduleDrawsDistinctSlotsThatVary() {
    var rng = Xoshiro256(seed: 42)
    let m = CorruptionSchedule.badCount(fraction: 0.29, rows: 100)
    #expect(m == 29)
    #expect(CorruptionSchedule.badCount(fraction: 0.25, rows: 10) == 2)
    let schedule = CorruptionSchedule.dynamic(rows: 100, badCount: m)
    var seen = Set<[Int]>()
    for t in 0..<20 {
      let slots = schedule.badSlots(iteration: t, using: &rng)
      #expect(slots.count == 29 && Set(slots).count == 29 && slots.allSatisfy { (0..<100).contains($0) })
      seen.insert(slots)
    }
    #expect(seen.count > 1)
  }

  @Test func gradientCorruptionModels() {
    var rng = Xoshiro256(seed: 43)
    let g: [Double] = [1, -2, 0.5]
    #expect(GradientCorruption<Double>.paperBitFlip.apply(to: g, using: &rng) == [-100, 200, -50])
    // N(0, 100): the sample variance of many draws is near 100 (std 10).
    let zeros = Array(repeating: 0.0, count: 20_000)
    let noise = GradientCorruption<Double>.paperGaussian.apply(to: zeros, using: &rng)
    let variance = noise.map { $0 * $0 }.reduce(0, +) / Double(noise.count)
    // The sample variance has std 100·√(2/20000) ≈ 1; 6 std is 6.
    #expect(abs(variance - 100) < 6)
  }

  @Test func ipmIsMinusEpsilonTimesGoodMean() throws {
    var rng = Xoshiro256(seed: 44)
    let view = try Self.view()
    #expect(view.goodSlots == [0, 2] && view.goodMean == [2, -1])
    let rows = InnerProductManipulation<Rational>(epsilon: Rational(1, 2), magnitude: 10).corrupt(view, using: &rng)
    #expect(rows == [[-10, 5], [-10, 5]])
  }

  @Test func signFlipAndBitFlip() throws {
    var rng = Xoshiro256(seed: 45)
    let view = try Self.view()
    #expect(SignFlip<Rational>().corrupt(view, using: &rng) == [[-10, -20], [Rational(-1, 2), 0]])
    #expect(SignFlip<Rational>(scale: 2, reference: .goodMean).corrupt(view, using: &rng) == [[-4, 2], [-4, 2]])
    #expect(ScaledBitFlipAttack<Rational>(magnitude: 10).corrupt(view, using: &rng)[0] == [-10_000, -20_000])
  }

  @Test func mimicConstantAndCorruptedMatrix() throws {
    var rng = Xoshiro256(seed: 46)
    let view = try Self.view()
    #expect(Mimic<Rational>().corrupt(view, using: &rng) == [[1, 2], [1, 2]])
    #expect(Mimic<Rational>(target: 2).corrupt(view, using: &rng) == [[3, -4], [3, -4]])
    #expect(Mimic<Rational>(target: 1).corrupt(view, using: &rng) == [[1, 2], [1, 2]])
    let constant = ConstantVector<Rational>(value: 3, magnitude: 1000)
    let g = constant.corruptedMatrix(view, using: &rng)
    #expect(g.rowArrays == [[1, 2], [3000, 3000], [3, -4], [3000, 3000]])
  }

  @Test func nonFiniteRows() throws {
    var rng = Xoshiro256(seed: 47)
    let rows = try Matrix<Double>([[1, 2], [3, 4], [5, 6]])
    let view = AdversaryView(goodRows: rows, badSlots: [2], iterate: [0, 0])
    let nan = NonFiniteRows<Double>().corrupt(view, using: &rng)[0]
    #expect(nan.allSatisfy { $0.isNaN })
    #expect(NonFiniteRows<Double>(value: .minusInfinity).corrupt(view, using: &rng) == [[-.infinity, -.infinity]])
  }

  @Test func alieByDefinition() throws {
    var rng = Xoshiro256(seed: 48)
    // n = 10, f = 2: s = 6 − 2 = 4, z_max = Φ⁻¹(0.6) ≈ 0.2533471031357998.
    #expect(abs(ALIE<Double>.standardZ(workers: 10, byzantine: 2) - 0.2533471031357998) < 1e-12)
    #expect(abs(inverseStandardNormalCDF(0.001) + 3.090232306167813) < 1e-10)
    #expect(abs(inverseStandardNormalCDF(0.975) - 1.959963984540054) < 1e-10)
    // Good rows 0 and 2: coordinate 0 has μ = 2, σ = 1; coordinate 1 has μ = −1, σ = 3.
    let rows = try Matrix<Double>([[1, 2], [100, 100], [3, -4], [100, 100]])
    let view = AdversaryView(goodRows: rows, badSlots: [1, 3], iterate: [0, 0])
    let attack = ALIE<Double>(z: 1.5, magnitude: 2).corrupt(view, using: &rng)
    let expected: [[Double]] = [[-1, -10], [-1, -10]]
    #expect(attack == expected)
    let standard = ALIE<Double>().corrupt(view, using: &rng)[0]
    let z = ALIE<Double>.standardZ(workers: 4, byzantine: 2)
    #expect(abs(standard[0] - (2 - z)) < 1e-12 && abs(standard[1] - (-1 - 3 * z)) < 1e-12)
  }

  @Test func additiveGaussianAttackKeepsTheMeanOfTheRow() throws {
    var rng = Xoshiro256(seed: 49)
    let rows = try Matrix<Double>([[1, 2], [3, 4]])
    let view = AdversaryView(goodRows: rows, badSlots: [1], iterate: [0, 0])
    let zero = AdditiveGaussianAttack<Double>(standardDeviation: 0).corrupt(view, using: &rng)
    #expect(zero == [[3, 4]])
    let noisy = AdditiveGaussianAttack<Double>(magnitude: 1e6).corrupt(view, using: &rng)[0]
    #expect(abs(noisy[0] - 3) > 1)
  }

  @Test func featureAndLabelCorruption() {
    var rng = Xoshiro256(seed: 50)
    var features = Array(repeating: Float(0.5), count: 2 * 10)
    FeatureCorruption.impulse(amount: 0.9).apply(to: &features, featureCount: 10, using: &rng)
    for s in 0..<2 {
      let sample = features[(s * 10)..<((s + 1) * 10)]
      #expect(sample.filter { $0 == 0.5 }.count == 1)
      #expect(sample.allSatisfy { $0 == 0 || $0 == 1 || $0 == 0.5 })
    }
    var labels = [0, 3, 9]
    var batch = Array(repeating: Float(0), count: 3 * 2)
    DataCorruption(features: .additiveGaussian(), labels: .backdoor()).apply(
      features: &batch, labels: &labels, featureCount: 2, using: &rng)
    #expect(labels == [8, 8, 8])
    #expect(batch.contains { $0 != 0 })
  }
}
