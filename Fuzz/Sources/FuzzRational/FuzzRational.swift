import ExactArithmetic

/// One input: bytes as the text of a rational ("p/q", decimals, exponents).
/// A parsed value must print and parse back to itself; malformed text
/// throws a `RationalParseError`. Never traps (GMP aborts would be crashes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRational(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
  // Long exponents make huge integers by design ("1e999999999"); the parser
  // bounds them, the fuzzer need not spend its time on long inputs.
  guard bytes.count <= 4096 else { return 0 }
  let text = String(decoding: bytes, as: UTF8.self)
  guard let value = try? Rational(parsing: text) else { return 0 }
  let printed = value.description
  precondition((try? Rational(parsing: printed)) == value, "\(text) → \(printed) does not parse back")
  _ = Double(value)
  return 0
}
