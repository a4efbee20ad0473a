import Testing
import Foundation
@testable import ClaimCheck

/// Records a Swift Testing issue when a property outcome failed.

/// P(Binomial(n, p) ≥ k), summed exactly in log space.
func binomialUpperTail(n: Int, p: Double, atLeast k: Int) -> Double {
  guard k > 0 else { return 1 }
  var total = 0.0
  for i in k...n {
    let logC = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
    total += exp(logC + Double(i) * log(p) + Double(n - i) * log(1 - p))
  }
  return total
}

/// The least k with P(Binomial(n, p) ≥ k) ≤ level.
func binomialCriticalValue(n: Int, p: Double, level: Double) -> Int {
  var k = 0
  while k <= n && binomialUpperTail(n: n, p: p, atLeast: k) > level { k += 1 }
  return k
}

/// Records a Swift Testing issue carrying the outcome's failure message
/// (seed, shrunk counterexample, replay command) when the property failed.
func expectHolds(_ outcome: PropertyOutcome, sourceLocation: SourceLocation = #_sourceLocation) {
  if let message = outcome.failureMessage {
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
  }
}
