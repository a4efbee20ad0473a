import Foundation

/// A JSON value, for generic inputs, observations and evidence.
///
/// Numbers are `Double`: integers beyond 2^53 lose precision, so store them
/// (and rationals) as strings. Objects encode with sorted keys when the
/// encoder says so (`ClaimCheckJSON.encoder` does).
public enum JSONValue: Sendable, Hashable, Codable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// Decodes any JSON value (booleans before numbers).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let d = try? c.decode(Double.self) {
      self = .number(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  /// Encodes the value as the JSON it represents.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .number(let d): try c.encode(d)
    case .string(let s): try c.encode(s)
    case .array(let a): try c.encode(a)
    case .object(let o): try c.encode(o)
    }
  }

  /// Converts any `Encodable` to a `JSONValue` through the canonical encoder.
  public init(encoding value: some Encodable) throws {
    let data = try ClaimCheckJSON.encoder(pretty: false).encode(value)
    self = try ClaimCheckJSON.decoder().decode(JSONValue.self, from: data)
  }

  /// The member `key` of an object, else `nil`.
  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  /// A short name of the value's type, for error messages.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

/// The encoder and decoder settings every ClaimCheck file uses.
public enum ClaimCheckJSON {
  /// Sorted keys, unescaped slashes, non-finite doubles as "nan"/"inf"/"-inf".
  ///
  /// Output is a pure function of the value: byte-identical across runs.
  public static func encoder(pretty: Bool = true) -> JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return e
  }

  /// The decoder matching `encoder`.
  public static func decoder() -> JSONDecoder {
    let d = JSONDecoder()
    d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return d
  }

  /// FNV-1a 64-bit hash of `bytes`, as 16 lower-case hex digits.
  public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> String {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h = h &* 0x0000_0100_0000_01B3
    }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
