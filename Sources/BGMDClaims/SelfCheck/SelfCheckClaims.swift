import BGMD
import ClaimCheck

/// The `self-check/…` family: the implementation contracts the verdicts of
/// the other families rely on, checked inside the campaign (Proofs/self-check.md):
/// the sampler of Algorithm 2 against the exact inclusion probabilities, the
/// exact block distribution, the aggregation rules in ℚ and in `Double`
/// against their definitions, the geometric median's certificate recomputed
/// exactly, the corruption schedules, and `Rational`'s order. Each claim's negative controls run the
/// same check on a deliberately broken implementation of the contract.
/// A refutation here is a bug in OUR code, not in the paper: its input is
/// reported in the record (no fixture is stored).
public enum SelfCheckClaims {
  public static var family: ClaimFamily {
    var claims: [ClaimSpec] = []
    for reading in SelectionReading.allCases {
      claims.append(ClaimSpec(id: "self-check/sampler/\(reading.rawValue)", controls: SelfCheckSampler.controls(reading)) {
        try SelfCheckSampler.check($0, reading: reading, sampler: SelfCheckSampler.implementation)
      })
    }
    claims.append(ClaimSpec(id: "self-check/block-distribution", controls: SelfCheckDistribution.controls) {
      try SelfCheckDistribution.check($0, distribution: SelfCheckDistribution.implementation)
    })
    for kind in SelfCheckRules.Kind.allCases {
      claims.append(ClaimSpec(id: "self-check/rules/\(kind.rawValue)", controls: SelfCheckRules.controls(kind)) {
        try SelfCheckRules.check($0, kind: kind)
      })
    }
    claims.append(ClaimSpec(id: "self-check/geometric-median/certificate",
                            controls: SelfCheckGeometricMedian.certificateControls()) {
      try SelfCheckGeometricMedian.checkCertificate($0, solver: SelfCheckGeometricMedian.implementation)
    })
    claims.append(ClaimSpec(id: "self-check/geometric-median/equivariance",
                            controls: SelfCheckGeometricMedian.equivarianceControls()) {
      try SelfCheckGeometricMedian.checkEquivariance($0, solver: SelfCheckGeometricMedian.implementation)
    })
    claims.append(ClaimSpec(id: "self-check/block-descent", controls: SelfCheckBlockDescent.controls) {
      try SelfCheckBlockDescent.check($0, run: SelfCheckBlockDescent.implementation())
    })
    claims.append(ClaimSpec(id: "self-check/corruption-schedule", controls: SelfCheckSchedule.controls) {
      try SelfCheckSchedule.check($0, implementation: SelfCheckSchedule.implementation)
    })
    claims.append(ClaimSpec(id: "self-check/rational/order", controls: SelfCheckRational.controls) {
      try SelfCheckRational.check($0, less: SelfCheckRational.implementation)
    })
    return ClaimFamily(name: "self-check", title: "Self-check: implementation contracts", document: "Proofs/self-check.md",
                       prefixes: ["self-check"], claims: claims, replay: nil)
  }
}
