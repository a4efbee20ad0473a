import BGMD
import ClaimCheck
import ExactArithmetic

/// Phase (b) of the Lemma 1 checks: generated rational matrices, each
/// decided exactly, the first failure shrunk (toward small b, d, k and short
/// fractions), plus a targeted search that climbs LHS/RHS.
///
/// Domain: 1 ≤ b ≤ `maxRows` (b = 1 for `norm-proportional`, whose weights
/// ‖G[:,j]‖ must be rational for the exact distribution; with b = 1 they are
/// the entries' absolute values), 1 ≤ d ≤ `maxDimension` (at most 5 for
/// `with-replacement`: its exact distribution has m^k draw sequences), 1 ≤ k ≤ d,
/// entries p/q with |p| ≤ `maxNumerator`, 1 ≤ q ≤ `maxDenominator`, G ≠ 0.
struct Lemma1Search {
  var maxRows: Int
  var maxDimension: Int
  var maxNumerator = 6
  var maxDenominator = 3

  /// The generator of cases for `reading` and `side`.
  func generator(reading: SelectionReading, side: Lemma1Side, selection: Lemma1Selection = .paper)
    -> Gen<Lemma1ExactCase> {
    let rowsLimit = reading == .normProportional ? 1 : maxRows
    let (mp, mq) = (maxNumerator, maxDenominator)
    let md = reading == .withReplacement ? Swift.min(5, maxDimension) : maxDimension
    return Gen { source in
      let b = try source.drawInt(in: 1...rowsLimit, shrinkTowards: 1)
      let d = try source.drawInt(in: 1...md, shrinkTowards: 1)
      let k = try source.drawInt(in: 1...d, shrinkTowards: 1)
      var rows: [[Rational]] = []
      for _ in 0..<b {
        var row: [Rational] = []
        for _ in 0..<d {
          let (p, q) = try source.drawRational(maxNumerator: mp, maxDenominator: mq)
          row.append(Rational(p, q))
        }
        rows.append(row)
      }
      guard rows.contains(where: { $0.contains { !$0.isZero } }) else { throw GenerationStop.rejected }
      return Lemma1ExactCase(reading: reading, side: side, k: k, matrix: rows, selection: selection)
    }
  }

  var domain: String {
    "random G: 1 ≤ b ≤ \(maxRows) (b = 1 for norm-proportional), 1 ≤ d ≤ \(maxDimension) (≤ 5 for with-replacement, "
      + "whose exact distribution has m^k draw sequences), 1 ≤ k ≤ d, "
      + "entries p/q with |p| ≤ \(maxNumerator), 1 ≤ q ≤ \(maxDenominator), G ≠ 0; decided exactly, failures shrunk"
  }
}
