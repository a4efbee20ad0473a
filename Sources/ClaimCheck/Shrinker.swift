/// Shrinks a failing choice sequence toward the shortlex-least sequence that still fails.
///
/// The shrinker never looks at generated values: it edits the choice sequence
/// (delete spans, simplify one choice by binary search toward its target,
/// lower or redistribute pairs of integers, swap adjacent choices) and re-runs
/// the test, which replays the edited sequence as a prefix and then takes the
/// simplest value of every further choice. A candidate is kept only when it
/// still fails and the choices it consumed precede the current best in
/// shortlex order, so shrinking terminates and every result is a valid case.
/// It is deterministic: no randomness, a fixed order of passes.
/// - Complexity: at most `maxAttempts` runs of the test; it also stops after
///   `maxStall` consecutive attempts without improvement.
public struct Shrinker {
  /// Runs a case on a replayed prefix; returns the choices it consumed when it
  /// still fails, `nil` when it passes or is discarded.
  public typealias Test = ([ChoiceValue]) -> [Choice]?

  /// The most test runs the shrinker may spend.
  public let maxAttempts: Int
  /// Consecutive attempts without improvement before it stops.
  public let maxStall: Int
  /// The shortlex-least failing sequence so far.
  public private(set) var best: [Choice]
  /// Test runs spent.
  public private(set) var attempts = 0
  /// Accepted simplifications.
  public private(set) var improvements = 0
  private var stall = 0
  private let test: Test

  /// A shrinker starting from the failing sequence `initial`.
  public init(initial: [Choice], maxAttempts: Int = 2_000, maxStall: Int = 500, test: @escaping Test) {
    self.best = initial
    self.maxAttempts = maxAttempts
    self.maxStall = maxStall
    self.test = test
  }

  private var exhausted: Bool { attempts >= maxAttempts || stall >= maxStall }
  private var values: [ChoiceValue] { best.map(\.value) }

  /// Runs the passes until a full round makes no progress or the budget is spent.
  /// - Returns: the shortlex-least failing sequence found.
  @discardableResult
  public mutating func shrink() -> [Choice] {
    while !exhausted {
      let before = improvements
      deleteSpans()
      simplifyEach()
      pairs()
      swapAdjacent()
      if improvements == before { break }
    }
    return best
  }

  /// Tries `candidate`; keeps it when it fails and is simpler.
  @discardableResult
  private mutating func attempt(_ candidate: [ChoiceValue]) -> Bool {
    if exhausted { return false }
    attempts += 1
    if let got = test(candidate), shortlexPrecedes(got, best) {
      best = got
      improvements += 1
      stall = 0
      return true
    }
    stall += 1
    return false
  }

  private mutating func deleteSpans() {
    for k in [8, 4, 2, 1] {
      var i = best.count - k
      while i >= 0 && !exhausted {
        var v = values
        v.removeSubrange(i..<(i + k))
        if attempt(v) { i = Swift.min(i, best.count - k) } else { i -= 1 }
      }
    }
  }

  private mutating func replace(_ i: Int, _ value: ChoiceValue) -> Bool {
    guard i < best.count, best[i].kind.admits(value) else { return false }
    let old = best[i]
    if old.kind.sortKey(value).lexicographicallyPrecedes(old.kind.sortKey(old.value)) == false { return false }
    var v = values
    v[i] = value
    return attempt(v)
  }

  private mutating func simplifyEach() {
    var i = 0
    while i < best.count && !exhausted {
      let c = best[i]
      switch (c.kind, c.value) {
      case (.boolean, _): _ = replace(i, .boolean(false))
      case (.integer, .integer(let v)):
        if case .integer(let t) = c.kind.simplest { searchInteger(i, from: v, toward: t) }
      case (.float, .float(let x)): simplifyFloat(i, x)
      case (.rational, .rational(let p, let q)): simplifyRational(i, p, q)
      default: break
      }
      i += 1
    }
  }

  /// Binary search for the least distance to `t` at which the case still fails.
  private mutating func searchInteger(_ i: Int, from v: Int, toward t: Int) {
    if v == t || replace(i, .integer(t)) { return }
    let up = v > t
    let distance = up ? UInt64(bitPattern: Int64(v &- t)) : UInt64(bitPattern: Int64(t &- v))
    func at(_ d: UInt64) -> Int { up ? t &+ Int(truncatingIfNeeded: d) : t &- Int(truncatingIfNeeded: d) }
    var lo: UInt64 = 0
    var hi = distance
    while hi - lo > 1 && !exhausted {
      let mid = lo + (hi - lo) / 2
      if replace(i, .integer(at(mid))) { hi = mid } else { lo = mid }
    }
    if !up { _ = replace(i, .integer(t &+ Int(truncatingIfNeeded: hi))) }
  }

  private mutating func simplifyFloat(_ i: Int, _ x: Double) {
    guard case .float = best[i].kind else { return }
    if replace(i, best[i].kind.simplest) { return }
    if !x.isFinite {
      // Try finite values, simplest first: small integers, the range's ends,
      // the largest finite magnitudes; continue from the first that fails.
      var candidates: [Double] = [1, -1]
      if case let .float(lo, hi, _) = best[i].kind { candidates += [hi, lo] }
      candidates += x < 0 ? [-Double.greatestFiniteMagnitude] : [.greatestFiniteMagnitude, -.greatestFiniteMagnitude]
      for y in candidates where y.isFinite && replace(i, .float(y)) {
        return simplifyFloat(i, y)
      }
      return
    }
    if x < 0 && replace(i, .float(-x)) { return simplifyFloat(i, -x) }
    let m = x.magnitude
    let sign: Double = x < 0 ? -1 : 1
    if m.rounded(.towardZero) != m {
      for candidate in [m.rounded(.towardZero), m.rounded(.up)] where replace(i, .float(sign * candidate)) {
        return simplifyFloat(i, sign * candidate)
      }
      let bits = ChoiceKind.fractionBits(m)
      for k in 1..<Swift.max(1, bits) {
        let scale = Double(sign: .plus, exponent: k, significand: 1)
        for rule in [FloatingPointRoundingRule.down, .up] {
          let y = (m * scale).rounded(rule) / scale
          if replace(i, .float(sign * y)) { return }
        }
      }
    } else if m < 0x1p53 {
      let n = Int(m)
      var lo = 0
      var hi = n
      while hi - lo > 1 && !exhausted {
        let mid = lo + (hi - lo) / 2
        if replace(i, .float(sign * Double(mid))) { hi = mid } else { lo = mid }
      }
    } else {
      var y = m
      while y > 1 && !exhausted {
        y /= 2
        if !replace(i, .float(sign * y.rounded(.towardZero))) { break }
      }
    }
  }

  private mutating func simplifyRational(_ i: Int, _ p: Int, _ q: Int) {
    if replace(i, .rational(0, 1)) { return }
    let g = gcd(p.magnitude, UInt(q))
    if g > 1 && replace(i, .rational(p / Int(g), q / Int(g))) { return simplifyRational(i, p / Int(g), q / Int(g)) }
    for q2 in 1..<Swift.max(1, Swift.min(q, 17)) {
      let p2 = Int((Double(p) * Double(q2) / Double(q)).rounded())
      if replace(i, .rational(p2, q2)) { return simplifyRational(i, p2, q2) }
    }
    var lo = 0
    var hi = Int(p.magnitude)
    let s = p < 0 ? -1 : 1
    while hi - lo > 1 && !exhausted {
      let mid = lo + (hi - lo) / 2
      if replace(i, .rational(s * mid, q)) { hi = mid } else { lo = mid }
    }
    if p < 0 { _ = replace(i, .rational(hi, q)) }
  }

  private func gcd(_ a: UInt, _ b: UInt) -> UInt {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
  }

  /// Lowers two nearby integers together, then moves value from the earlier
  /// to the later one (redistribution keeps sums, shortens prefixes).
  private mutating func pairs() {
    var i = 0
    while i < best.count && !exhausted {
      for j in (i + 1)..<Swift.max(i + 1, Swift.min(best.count, i + 6)) where !exhausted {
        lowerTogether(i, j)
        redistribute(i, j)
      }
      i += 1
    }
  }

  /// The value, target and upper bound of integer choice `i`, when it lies
  /// above its target and the distance fits in an `Int`.
  private func integerAbove(_ i: Int) -> (value: Int, target: Int, max: Int, distance: Int)? {
    guard i < best.count, case .integer(_, let hi, _) = best[i].kind, case .integer(let v) = best[i].value,
      case .integer(let t) = best[i].kind.simplest, v > t
    else { return nil }
    let (d, overflow) = v.subtractingReportingOverflow(t)
    return overflow ? nil : (v, t, hi, d)
  }

  /// Binary search for the largest d such that `edit(d)` still fails, d in 1...maxD.
  private mutating func searchLargest(_ maxD: Int, _ edit: (Int, [Choice]) -> [ChoiceValue]?) {
    var lo = 0
    var hi = maxD + 1
    while hi - lo > 1 && !exhausted {
      let mid = lo + (hi - lo) / 2
      guard let v = edit(mid, best) else { return }
      if attempt(v) { lo = mid } else { hi = mid }
    }
  }

  /// Lowers integers i and j toward their targets by the same amount.
  private mutating func lowerTogether(_ i: Int, _ j: Int) {
    guard let a = integerAbove(i), let b = integerAbove(j) else { return }
    searchLargest(Swift.min(a.distance, b.distance)) { d, current in
      guard j < current.count else { return nil }
      var v = current.map(\.value)
      v[i] = .integer(a.value - d)
      v[j] = .integer(b.value - d)
      return v
    }
  }

  /// Moves value from integer i to integer j (keeps sums, simplifies the prefix).
  private mutating func redistribute(_ i: Int, _ j: Int) {
    guard let a = integerAbove(i), j < best.count, case .integer(_, let hi, _) = best[j].kind,
      case .integer(let b) = best[j].value
    else { return }
    let (room, overflow) = hi.subtractingReportingOverflow(b)
    guard !overflow, room > 0 else { return }
    searchLargest(Swift.min(a.distance, room)) { d, current in
      guard j < current.count else { return nil }
      var v = current.map(\.value)
      v[i] = .integer(a.value - d)
      v[j] = .integer(b + d)
      return v
    }
  }

  private mutating func swapAdjacent() {
    var i = 0
    while i + 1 < best.count && !exhausted {
      let a = best[i]
      let b = best[i + 1]
      if a.kind == b.kind, a.kind.sortKey(b.value).lexicographicallyPrecedes(a.kind.sortKey(a.value)) {
        var v = values
        v.swapAt(i, i + 1)
        attempt(v)
      }
      i += 1
    }
  }
}
