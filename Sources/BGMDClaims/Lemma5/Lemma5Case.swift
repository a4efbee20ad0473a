import BGMD
import ClaimCheck
import ExactArithmetic
import Foundation
import Randomness

/// One run of Algorithm 1 for the Lemma 5 checks, every input explicit so
/// that a fixture replays it: the honest rows of each iteration, the bad
/// slots and the adversary's rows, the injected aggregator's outputs (or the
/// real geometric median when absent), γ, x_0, the selection's seed.
///
/// It is the `input` of a Lemma 5 fixture, with `arithmetic` telling the
/// element type (`rational`: exact, values as "p/q"; `double`: JSON numbers,
/// which round-trip exactly).
public struct Lemma5Case<Element: Scalar & Codable>: Sendable, Codable {
  /// "rational" or "double".
  public var arithmetic: String
  public var memory: MemoryVariant
  /// "clean", "fixed" or "dynamic".
  public var schedule: String
  public var reading: SelectionReading
  public var k: Int
  /// γ.
  public var stepSize: Element
  /// x_0.
  public var initialIterate: [Element]
  /// G_t before corruption: T × b × d.
  public var gradients: [[[Element]]]
  /// 𝔹_t: the bad slots of each iteration, increasing.
  public var badSlots: [[Int]]
  /// The adversary's rows: T × |𝔹_t| × d, in slot order.
  public var badRows: [[[Element]]]
  /// The injected rule's output on the block, T × k (first |block| used);
  /// nil: the real geometric median.
  public var outputs: [[Element]]?
  /// Seed of Algorithm 2's draws (`TrainingStreams(seed:)`).
  public var selectionSeed: UInt64

  /// T.
  public var steps: Int { gradients.count }
  /// b.
  public var rows: Int { gradients.first?.count ?? 0 }
  /// d.
  public var dimension: Int { initialIterate.count }

  /// "T = 2, b = 3, d = 2, k = 1, successive, averaged, fixed".
  public var shape: String {
    "T = \(steps), b = \(rows), d = \(dimension), k = \(k), \(reading.rawValue), memory \(memory.rawValue), schedule \(schedule)"
  }

  /// Runs Algorithm 1 (`BlockDescent` in a `TrainingLoop`, record level
  /// `.full`) with `rule` and returns the records and the final iterate.
  /// - Throws: `FixtureInputError` for inconsistent shapes; the loop's errors.
  public func run<Rule: AggregationRule>(rule: Rule) throws -> (records: [StepRecord<Element>], final: [Element])
  where Rule.Element == Element {
    let (b, d, t) = (rows, dimension, steps)
    guard t >= 1, b >= 1, d >= 1, (1...d).contains(k) else {
      throw FixtureInputError(field: "input", expected: "T ≥ 1, b ≥ 1, d ≥ 1 and 1 ≤ k ≤ d (found \(shape))")
    }
    guard gradients.allSatisfy({ $0.count == b && $0.allSatisfy { $0.count == d } }) else {
      throw FixtureInputError(field: "input.gradients", expected: "T × b × d values")
    }
    guard badSlots.count == t, badRows.count == t,
      zip(badSlots, badRows).allSatisfy({ s, r in s.count == r.count && r.allSatisfy { $0.count == d }
        && s == Array(Set(s)).sorted() && s.allSatisfy { (0..<b).contains($0) } })
    else { throw FixtureInputError(field: "input.badRows", expected: "per iteration, one row of d values per bad slot (slots increasing, in 0..<b)") }
    let config = OptimizerConfiguration<Element>(stepSize: stepSize, memory: memory, block: .block(k: k, reading: reading),
                                                 record: .full)
    var optimizer = try BlockDescent(initialIterate: initialIterate, batchCount: b, rule: rule, configuration: config)
    let (gradients, badSlots, badRows) = (self.gradients, self.badSlots, self.badRows)
    let loop = TrainingLoop<Rule>(
      oracle: { _, t, _ in try Matrix(gradients[t]) },
      schedule: { t, _ in badSlots[t] },
      adversary: { view, _ in badRows[view.iteration] })
    var streams = TrainingStreams(seed: selectionSeed)
    let records = try loop.run(&optimizer, iterations: t, streams: &streams)
    return (records, optimizer.iterate)
  }

  /// Lemma 5's sequences of a run with `rule`.
  public func sequences<Rule: AggregationRule>(rule: Rule) throws -> (Lemma5Sequences<Element>, [StepRecord<Element>])
  where Rule.Element == Element {
    let (records, final) = try run(rule: rule)
    return (try Lemma5Sequences(records: records, stepSize: stepSize, initialIterate: initialIterate, finalIterate: final),
            records)
  }
}

/// The aggregator of the exact checks: returns the case's drawn outputs,
/// one vector per call, whatever the rows (an arbitrary rule: the identity
/// is algebraic in the aggregate).
final class InjectedOutputs<Element: Scalar>: @unchecked Sendable {
  private let lock = NSLock()
  private var call = 0
  private let outputs: [[Element]]

  init(_ outputs: [[Element]]) { self.outputs = outputs }

  /// The rule; each call takes the next output (zeros past the end), cut or
  /// padded to the block's width.
  var rule: AnyAggregationRule<Element> {
    AnyAggregationRule(name: "injected") { [self] rows, _ in
      lock.lock()
      let t = call
      call += 1
      lock.unlock()
      let drawn = t < outputs.count ? outputs[t] : []
      let vector = (0..<rows.columns).map { $0 < drawn.count ? drawn[$0] : Element.zero }
      return AggregationResult(vector: vector)
    }
  }
}

extension Lemma5Case where Element == Rational {
  /// Whether Lemma 5's identity holds exactly (first gap index, nil when none).
  public func firstGap() throws -> Int? {
    try sequences(rule: InjectedOutputs(outputs ?? []).rule).0.firstNonZeroGap
  }

  /// The first gap, and whether the run's recorded memory is the memory of
  /// (10) (`Lemma5Case.memoryIsResidual`), from one run.
  func firstGapAndMemoryDefinition() throws -> (gap: Int?, memoryIsResidual: Bool) {
    let (seq, records) = try sequences(rule: InjectedOutputs(outputs ?? []).rule)
    return (seq.firstNonZeroGap, Lemma5Case.memoryIsResidual(records))
  }
}

extension Lemma5Case {
  /// Lemma 5's memory hypothesis, measured on a run's records independently
  /// of the gap x_t − x̃_t − m_t: on every good row, the recorded M_t is
  /// G̃_t − C_k(G̃_t) for the recorded block, i.e. zero on the block and the
  /// augmented row off it (the M_t whose 𝔾-mean (10) calls m_{t+1}).
  static func memoryIsResidual(_ records: [StepRecord<Element>]) -> Bool {
    for r in records {
      guard let augmented = r.augmentedRows, let residual = r.residual, let block = r.block else { return false }
      let inBlock = Set(block)
      for i in r.goodRows {
        for j in 0..<augmented.columns {
          let expected = inBlock.contains(j) ? Element.zero : augmented[i, j]
          if residual[i, j] != expected { return false }
        }
      }
    }
    return true
  }

  /// Definition 1 on this case: every iteration has ψ_t = |𝔹_t|/b < 1/2
  /// (α_t = |𝔹_t|/|𝔾_t| < 1), so 𝔾_t is not empty.
  var corruptionLevels: [CorruptionLevel] { badSlots.map { CorruptionLevel(rows: rows, bad: $0.count) } }
}

extension Lemma5Case where Element == Double {
  /// The largest |gap_t[j]| / rounding bound over t and j, and the t where
  /// it was reached, with the real geometric median (or the injected outputs
  /// when present). See `Lemma5Rounding`.
  /// - Throws: `ImplementationError` with the case when the run (the
  ///   geometric median, the descent) stops on an error or produces a NaN
  ///   or ±∞ in the sequences while every input is finite: that is a fault
  ///   of the implementation, not a gap of Lemma 5.
  public func roundingRatio() throws -> (ratio: Double, step: Int, perStep: [Double]) {
    let (seq, records): (Lemma5Sequences<Double>, [StepRecord<Double>])
    do {
      if let outputs { (seq, records) = try sequences(rule: InjectedOutputs(outputs).rule) } else {
        (seq, records) = try sequences(rule: GeometricMedian<Double>())
      }
    } catch let error as FixtureInputError {
      throw error
    } catch {
      throw ImplementationError(check: "Lemma 5 in Double", input: self, detail: "the run stopped: \(error)")
    }
    let inputsFinite = stepSize.isFinite && initialIterate.allSatisfy(\.isFinite)
      && gradients.allSatisfy { $0.allSatisfy { $0.allSatisfy(\.isFinite) } }
      && badRows.allSatisfy { $0.allSatisfy { $0.allSatisfy(\.isFinite) } }
      && (outputs ?? []).allSatisfy { $0.allSatisfy(\.isFinite) }
    if inputsFinite {
      for (t, gap) in seq.gaps.enumerated() where !gap.allSatisfy(\.isFinite) || !seq.memories[t].allSatisfy(\.isFinite) {
        throw ImplementationError(
          check: "Lemma 5 in Double", input: self,
          detail: "non-finite value at t = \(t) (gap \(gap), memory \(seq.memories[t])) from finite inputs")
      }
    }
    return Lemma5Rounding.ratio(seq, records: records, stepSize: stepSize, initialIterate: initialIterate)
  }
}

/// A check met an error or a non-finite value from this package's own code
/// (an aggregator, the descent) on an input where the paper's statement is
/// well defined: the check has no verdict about the paper, and this error
/// says so with the input (as fixture JSON) so it can be reproduced. A
/// claim body that throws it is reported as stopped on an error, and
/// `bgmd verify` exits 1.
public struct ImplementationError: Error, Sendable, CustomStringConvertible {
  /// What was being checked.
  public var check: String
  /// The input, as the JSON a fixture would hold.
  public var input: String
  /// What went wrong.
  public var detail: String

  public init(check: String, input: some Encodable, detail: String) {
    self.check = check
    let json = (try? JSONValue(encoding: input)).flatMap { try? ClaimCheckJSON.encoder(pretty: false).encode($0) }
    self.input = json.flatMap { String(data: $0, encoding: .utf8) } ?? "(not encodable)"
    self.detail = detail
  }

  public var description: String {
    "implementation error in \(check), not a verdict about the paper: \(detail); input: \(input)"
  }
}

/// The rounding bound of the floating-point Lemma 5 check.
///
/// In exact arithmetic gap_t = x_t − x̃_t − m_t = 0. In `Double` each of the
/// three sequences is a running sum of t terms, each term a mean over at
/// most b rows of products with γ; with unit roundoff u = ε/2 a recursive sum
/// of n terms errs by at most (n − 1)u Σ|terms| and a mean of b values by
/// (b + 1)u times the mean of their magnitudes (first order). Adding these,
/// |gap_t[j]| ≤ (t + b + 4)·ε·A_t[j] to first order, with
/// A_t[j] = |x_0[j]| + Σ_{s<t} (|g̃_s[j]| + |γ|·mean_𝔾|G_s[i,j]| +
/// mean_𝔾|G̃_s[i,j]| + mean_b|M_s[i,j]|) + |m_t[j]|, G̃ the augmented rows.
/// The check uses twice that, 2(t + b + 4)·ε·A_t[j], to cover the
/// second-order terms; a gap beyond it is not rounding.
public enum Lemma5Rounding {
  /// max over t, j of |gap_t[j]| / bound_t[j] (0/0 counts as 0), its t, and the per-t maxima.
  public static func ratio(_ seq: Lemma5Sequences<Double>, records: [StepRecord<Double>], stepSize: Double,
                           initialIterate: [Double]) -> (ratio: Double, step: Int, perStep: [Double]) {
    let d = initialIterate.count
    var magnitude = initialIterate.map(Swift.abs)
    let gaps = seq.gaps
    var worst = 0.0, worstStep = 0
    var perStep: [Double] = []
    for t in gaps.indices {
      let b = records.first.map { $0.rows?.rows ?? 1 } ?? 1
      var stepWorst = 0.0
      for j in 0..<d {
        let a = magnitude[j] + Swift.abs(seq.memories[t][j])
        let bound = 2 * Double(t + b + 4) * Double.ulpOfOne * a
        let g = Swift.abs(gaps[t][j])
        let r = g == 0 ? 0 : (bound > 0 ? g / bound : .infinity)
        stepWorst = Swift.max(stepWorst, r.isNaN ? .infinity : r)
      }
      perStep.append(stepWorst)
      if stepWorst > worst {
        worst = stepWorst
        worstStep = t
      }
      guard t < records.count, let rows = records[t].rows, let aug = records[t].augmentedRows,
        let residual = records[t].residual, let aggregate = records[t].aggregate
      else { continue }
      let good = records[t].goodRows
      let count = Double(Swift.max(1, good.count))
      for j in 0..<d {
        var sum = Swift.abs(aggregate[j])
        var g = 0.0, augmented = 0.0, m = 0.0
        for i in good {
          g += Swift.abs(rows[i, j])
          augmented += Swift.abs(aug[i, j])
        }
        for i in 0..<residual.rows { m += Swift.abs(residual[i, j]) }
        sum += Swift.abs(stepSize) * g / count + augmented / count + m / Double(Swift.max(1, residual.rows))
        magnitude[j] += sum
      }
    }
    return (worst, worstStep, perStep)
  }
}
