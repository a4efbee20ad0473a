import ArgumentParser

/// The ranges of the commands' numeric options, checked in one place: each
/// command's `validate()` states its options' ranges through these checks,
/// so an out-of-range value stops the command before it reads or runs
/// anything, with the option, the value given and the range expected.
/// (Numeric options are declared with `parsing: .unconditional`, so a
/// negative value such as `--trim -0.1` reaches these checks instead of
/// being read as an option name.)
enum OptionRange {
  /// `--name value` must be an integer ≥ `minimum` (nil: not given, fine).
  static func atLeast(_ name: String, _ value: Int?, _ minimum: Int, _ meaning: String = "") throws {
    guard let value, value < minimum else { return }
    throw ValidationError("--\(name) \(value) is out of range: expected an integer ≥ \(minimum)\(suffix(meaning))")
  }

  /// `--name value` must be a finite number in the interval given by
  /// `lower`/`upper` and whether each end is included.
  static func within(
    _ name: String, _ value: Double?, lower: Double, lowerIncluded: Bool = true,
    upper: Double = .infinity, upperIncluded: Bool = false, _ meaning: String = ""
  ) throws {
    guard let value else { return }
    let aboveLower = lowerIncluded ? value >= lower : value > lower
    let belowUpper = upperIncluded ? value <= upper : value < upper
    guard !(value.isFinite && aboveLower && belowUpper) else { return }
    let range: String
    if upper == .infinity {
      range = "value \(lowerIncluded ? "≥" : ">") \(format(lower))"
    } else {
      range = "\(format(lower)) \(lowerIncluded ? "≤" : "<") value \(upperIncluded ? "≤" : "<") \(format(upper))"
    }
    throw ValidationError("--\(name) \(value) is out of range: expected a finite number with \(range)\(suffix(meaning))")
  }

  static func format(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? "\(Int(x))" : "\(x)"
  }

  static func suffix(_ meaning: String) -> String { meaning.isEmpty ? "" : " (\(meaning))" }
}

/// A command's failure that is not about its arguments' syntax: printed as
/// "Error: <message>" without the usage text, exit 1.
struct CommandError: Error, CustomStringConvertible {
  var message: String
  init(_ message: String) { self.message = message }
  var description: String { message }
}
