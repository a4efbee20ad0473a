import RealModule
import Randomness

/// Which of the b rows are corrupt at iteration t (docs/corruption.md):
/// m = ⌊ψb⌋ slots, either the same every iteration (`fixed`) or a fresh
/// uniformly random m-subset each iteration (`dynamic`, the paper's §7.2).
public struct CorruptionSchedule: Sendable, Equatable {
  /// The two schedules.
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case fixed
    case dynamic
  }

  /// b, the number of rows.
  public let rows: Int
  /// m = |𝔹|, the number of corrupt rows per iteration.
  public let badCount: Int
  /// Fixed or dynamic.
  public let kind: Kind
  /// The fixed slots (sorted), empty for `dynamic`.
  public let fixedSlots: [Int]

  /// m = ⌊ψb⌋ for a fraction ψ, computed with a 1e−9 slack so that e.g.
  /// ψ = 0.29, b = 100 gives 29 despite 0.29·100 = 28.999….
  /// - Precondition: 0 ≤ ψ ≤ 1, b ≥ 1.
  public static func badCount(fraction psi: Double, rows b: Int) -> Int {
    precondition(psi >= 0 && psi <= 1 && b >= 1, "CorruptionSchedule: ψ = \(psi), b = \(b)")
    return Swift.min(b, Int((psi * Double(b) + 1e-9).rounded(.down)))
  }

  /// `fixed`: the first m slots 0..<m every iteration.
  /// - Precondition: 0 ≤ m ≤ b.
  public static func fixedFirst(rows b: Int, badCount m: Int) -> CorruptionSchedule {
    precondition(m >= 0 && m <= b, "CorruptionSchedule: m = \(m) outside 0…\(b)")
    return CorruptionSchedule(rows: b, badCount: m, kind: .fixed, fixedSlots: Array(0..<m))
  }

  /// `fixed`: a uniformly random m-subset chosen once, now, from `rng`, and
  /// used every iteration.
  public static func fixedRandom(rows b: Int, badCount m: Int,
                                 using rng: inout some RandomNumberGenerator) -> CorruptionSchedule {
    precondition(m >= 0 && m <= b, "CorruptionSchedule: m = \(m) outside 0…\(b)")
    return CorruptionSchedule(rows: b, badCount: m, kind: .fixed, fixedSlots: rng.uniformSubset(of: b, size: m))
  }

  /// `dynamic`: a fresh uniformly random m-subset each iteration.
  public static func dynamic(rows b: Int, badCount m: Int) -> CorruptionSchedule {
    precondition(m >= 0 && m <= b, "CorruptionSchedule: m = \(m) outside 0…\(b)")
    return CorruptionSchedule(rows: b, badCount: m, kind: .dynamic, fixedSlots: [])
  }

  /// ψ = m/b.
  public var fraction: Double { Double(badCount) / Double(rows) }

  /// The corrupt slots at iteration t, sorted. `fixed` draws nothing;
  /// `dynamic` draws m indices (Floyd's algorithm) from `rng`.
  /// - Complexity: O(m).
  public func badSlots(iteration t: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
    switch kind {
    case .fixed: return fixedSlots
    case .dynamic: return rng.uniformSubset(of: rows, size: badCount)
    }
  }
}
