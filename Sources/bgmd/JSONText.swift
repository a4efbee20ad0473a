/// Minimal JSON text for the command's fixed-schema outputs: numbers in
/// shortest round-trip form (non-finite as null), strings escaped.
enum JSONText {
  static func number(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "null"
  }

  static func string(_ value: String) -> String {
    var out = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// An object from ordered (key, already-encoded value) pairs.
  static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
  }

  static func array(_ values: [String]) -> String { "[" + values.joined(separator: ", ") + "]" }
}
