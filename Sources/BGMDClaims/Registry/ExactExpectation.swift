import ClaimCheck
import ExactArithmetic

/// Decides E[X] ≤ c (or ≥ c) exactly from an enumeration of outcomes.
///
/// - Throws: `SequentialError` when a probability is negative or they do not sum to 1.
/// - Complexity: O(outcomes) rational operations.
public func checkExpectationExactly(outcomes: [(value: Rational, probability: Rational)], bound: Rational,
                                    comparison: Comparison = .atMost) throws -> ExpectationResult {
  var total = Rational(0)
  var mean = Rational(0)
  for o in outcomes {
    guard o.probability.signum >= 0 else { throw SequentialError(reason: "negative probability \(o.probability)") }
    total += o.probability
    mean += o.value * o.probability
  }
  guard total == Rational(1) else { throw SequentialError(reason: "probabilities sum to \(total), not 1") }
  let holds = comparison == .atMost ? !(bound < mean) : !(mean < bound)
  let estimate = Double(mean)
  return ExpectationResult(decision: holds ? .holds : .refuted, samples: 0, estimate: estimate,
                           confidenceBound: estimate, plan: nil, exact: mean.description, partial: false)
}
