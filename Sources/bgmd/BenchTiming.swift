import BGMD
import ClaimCheck

/// The median of a non-empty list of durations in seconds (NaN when empty).
func medianSeconds(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  let n = sorted.count
  if n == 0 { return .nan }
  return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
}

/// Seconds elapsed while running `body`.
func timeSeconds(_ body: () throws -> Void) rethrows -> Double {
  let start = ContinuousClock.now
  try body()
  return StepTiming.seconds(ContinuousClock.now - start)
}

extension JSONValue {
  /// A JSON number from an integer (exact below 2^53, which every count here is).
  static func count(_ value: Int) -> JSONValue { .number(Double(value)) }
}
