/// A versioned, storable choice sequence: `{"version": 1, "values": [...]}`.
///
/// Each value is a one-key object: `{"int": 5}`, `{"float": 0.5}` (non-finite
/// as the strings "nan", "inf", "-inf"), `{"rational": "p/q"}`, `{"bool": true}`.
/// Replaying a record through a changed generator still yields a valid case
/// (values are coerced onto the kinds requested), though not the same one.
public struct ChoiceRecord: Sendable, Hashable, Codable {
  /// The format version this code writes and reads.
  public static let currentVersion = 1
  /// The format version of this record.
  public var version: Int
  /// The choice values in order.
  public var values: [ChoiceValue]

  /// A current-version record of `values`.
  public init(values: [ChoiceValue]) {
    self.version = ChoiceRecord.currentVersion
    self.values = values
  }

  /// A current-version record of the values of `choices`.
  public init(choices: [Choice]) { self.init(values: choices.map(\.value)) }
}

extension ChoiceValue: Codable {
  private enum Key: String, CodingKey { case int, float, rational, bool }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    if let v = try c.decodeIfPresent(Int.self, forKey: .int) {
      self = .integer(v)
    } else if let v = try c.decodeIfPresent(Double.self, forKey: .float) {
      self = .float(v)
    } else if let s = try c.decodeIfPresent(String.self, forKey: .rational) {
      let parts = s.split(separator: "/")
      guard parts.count == 2, let p = Int(parts[0]), let q = Int(parts[1]), q >= 1 else {
        throw DecodingError.dataCorruptedError(forKey: .rational, in: c, debugDescription: "expected \"p/q\" with q ≥ 1")
      }
      self = .rational(p, q)
    } else if let b = try c.decodeIfPresent(Bool.self, forKey: .bool) {
      self = .boolean(b)
    } else {
      throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                                              debugDescription: "expected one of int, float, rational, bool"))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    switch self {
    case .integer(let v): try c.encode(v, forKey: .int)
    case .float(let v): try c.encode(v, forKey: .float)
    case .rational(let p, let q): try c.encode("\(p)/\(q)", forKey: .rational)
    case .boolean(let b): try c.encode(b, forKey: .bool)
    }
  }
}
