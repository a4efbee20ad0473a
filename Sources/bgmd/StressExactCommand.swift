import ArgumentParser
import ExactArithmetic
import Randomness

/// A rational-heavy workload for leak checking the GMP values
/// (`valgrind --leak-check=full bgmd stress-exact`). Prints a checksum.
struct StressExact: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stress-exact",
    abstract: "Run a rational-heavy workload (for valgrind's leak check of GMP values).",
    shouldDisplay: false
  )

  @Option(help: "Number of rounds.") var rounds = 2000
  @Option(help: "Seed of the workload.") var seed: UInt64 = 1

  func run() throws {
    var rng = Xoshiro256(seed: seed)
    var sum = Rational.zero
    var intervals: [RationalInterval] = []
    for round in 0..<rounds {
      let a = Rational(rng.uniformInt(in: -1000...1000), rng.uniformInt(in: 1...1000))
      var b = a
      b *= Rational(rng.uniformInt(in: 1...50))  // copy-on-write path
      b += a.power(3)
      sum += b / (a.isZero ? 1 : a)
      let text = b.description
      let parsed = try Rational(parsing: text)
      precondition(parsed == b, "round trip failed at round \(round)")
      _ = Double(b) + Double(Rational(1, 2)).squareRoot()
      if round % 50 == 0 {
        intervals.append(RationalInterval.sqrt(b.magnitude, precision: 64))
        _ = try? Rational(parsing: "1/0")
        _ = Rational(exactly: Double(round) * 0.1)
      }
    }
    let hull = intervals.dropFirst().reduce(intervals.first ?? RationalInterval(exactly: 0)) { $0.union($1) }
    try Output.line("stress-exact: rounds \(rounds), checksum \(Double(sum)), hull width \(Double(hull.width))")
  }
}
