import RealModule
import Randomness

/// What the adversary of Definition 1 sees at one iteration: the honest
/// rows, which slots it controls, the iterate, and the optimizer's whole
/// state (memory, selection reading, k, iteration). It knows the selection
/// rule but not its future random draws.
public struct AdversaryView<Element: Scalar>: Sendable {
  /// The b × d honest gradients of this iteration, all b rows (the rows in
  /// `badSlots` are what those workers would have sent honestly).
  public var goodRows: Matrix<Element>
  /// The slots to replace (sorted), from the `CorruptionSchedule`.
  public var badSlots: [Int]
  /// x_t.
  public var iterate: [Element]
  /// The per-row memory M_t (b × d), for the `per-row` variant.
  public var memoryRows: Matrix<Element>?
  /// The shared memory m̂_t, for `averaged`, `coordinate-median` and
  /// `filtered-mean`, `norm-filtered`.
  public var averagedMemory: [Element]?
  /// The memory variant of the optimizer, if it has memory.
  public var memoryVariant: MemoryVariant?
  /// The selection reading of Algorithm 2, for block methods.
  public var reading: SelectionReading?
  /// k, the block size, for block methods.
  public var k: Int?
  /// t.
  public var iteration: Int

  public init(goodRows: Matrix<Element>, badSlots: [Int], iterate: [Element],
              memoryRows: Matrix<Element>? = nil, averagedMemory: [Element]? = nil,
              memoryVariant: MemoryVariant? = nil, reading: SelectionReading? = nil, k: Int? = nil,
              iteration: Int = 0) {
    self.goodRows = goodRows
    self.badSlots = badSlots
    self.iterate = iterate
    self.memoryRows = memoryRows
    self.averagedMemory = averagedMemory
    self.memoryVariant = memoryVariant
    self.reading = reading
    self.k = k
    self.iteration = iteration
  }

  /// d.
  public var dimension: Int { goodRows.columns }

  /// The indices of 𝔾: rows not in `badSlots` (all rows when every slot is
  /// bad, so statistics stay defined).
  public var goodSlots: [Int] {
    let bad = Set(badSlots)
    let good = (0..<goodRows.rows).filter { !bad.contains($0) }
    return good.isEmpty ? Array(0..<goodRows.rows) : good
  }

  /// The mean of the rows in 𝔾 (exact in ℚ). O(|𝔾|·d).
  public var goodMean: [Element] {
    let slots = goodSlots
    var mean = Array(repeating: Element.zero, count: dimension)
    for i in slots {
      let base = i * dimension
      for j in 0..<dimension { mean[j] += goodRows.storage[base + j] }
    }
    let n = Element(integer: slots.count)
    return mean.map { $0 / n }
  }
}

/// An adversary of Definition 1: each iteration it replaces the rows in
/// `view.badSlots` by arbitrary vectors of its choosing.
///
/// Attacks carry a magnitude M (default 1) that scales the attack, for the
/// breakdown search over M = 10^0 … 10^12 (docs/corruption.md).
public protocol Adversary<Element>: Sendable {
  associatedtype Element: Scalar
  /// The attack's id in reports (`alie`, `ipm`, `sign-flip`, …).
  var name: String { get }
  /// One row per bad slot, in the order of `view.badSlots`, each of length d.
  func corrupt(_ view: AdversaryView<Element>, using rng: inout some RandomNumberGenerator) -> [[Element]]
}

extension Adversary {
  /// G with the bad slots replaced by the adversary's rows.
  /// - Precondition: the adversary returns one row of length d per slot.
  /// - Complexity: that of `corrupt` plus O(m·d).
  public func corruptedMatrix(_ view: AdversaryView<Element>,
                              using rng: inout some RandomNumberGenerator) -> Matrix<Element> {
    let rows = corrupt(view, using: &rng)
    precondition(rows.count == view.badSlots.count,
                 "\(name): \(rows.count) rows for \(view.badSlots.count) bad slots")
    var g = view.goodRows
    for (slot, row) in zip(view.badSlots, rows) { g.setRow(slot, row) }
    return g
  }
}
