import Foundation

/// Comma-separated numbers, one matrix row per line; no header line. Blank
/// lines at the end are ignored; "nan", "inf", "-inf" are read as such.
public enum CSVFormat {
  /// Parses CSV text; `file` names it in errors (line and field numbers
  /// start at 1).
  /// - Throws: `MatrixFileError` for an empty file, a field that is not a
  ///   number, or a row whose length differs from the first.
  public static func read(_ text: String, file: String) throws -> Matrix<Double> {
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
      $0.hasSuffix("\r") ? $0.dropLast() : $0
    }
    while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
    guard !lines.isEmpty else {
      throw MatrixFileError(file: file, location: "line 1", problem: "the file is empty; expected at least one row of numbers")
    }
    var storage: [Double] = []
    var width = -1
    for (index, line) in lines.enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      if width >= 0 && fields.count != width {
        throw MatrixFileError(
          file: file, location: "line \(index + 1)",
          problem: "\(fields.count) fields; expected \(width) like line 1 (ragged rows)")
      }
      width = fields.count
      for (f, field) in fields.enumerated() {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed) else {
          throw MatrixFileError(
            file: file, location: "line \(index + 1), field \(f + 1)", problem: "'\(trimmed)' is not a number")
        }
        storage.append(value)
      }
    }
    let shape = try MatrixShape(rows: lines.count, columns: width, file: file, location: "shape")
    return Matrix(_unchecked: shape.rows, shape.columns, storage)
  }

  /// One line: the values separated by commas (shortest round-trip decimal;
  /// "nan", "inf", "-inf" for non-finite values).
  public static func encode<T: BinaryFloatingPoint>(vector values: [T]) -> String {
    values.map { value -> String in
      let v = Double(value)
      if v.isNaN { return "nan" }
      if v.isInfinite { return v > 0 ? "inf" : "-inf" }
      return T.self == Float.self ? "\(Float(value))" : "\(v)"
    }.joined(separator: ",") + "\n"
  }
}

/// A JSON array of arrays of numbers, one inner array per row; a flat array
/// of numbers (a vector, as written by `encode(vector:)`) reads as one row.
public enum JSONMatrixFormat {
  /// Parses JSON text; `file` names it in errors, with the JSON path of the
  /// offending value (e.g. "[2][0]"). Only arrays of arrays of numbers are
  /// accepted (a small dedicated parser: strings, objects, booleans and null
  /// are errors naming their path).
  public static func read(_ data: Data, file: String) throws -> Matrix<Double> {
    var parser = _JSONNumberArrayParser(bytes: [UInt8](data), file: file)
    return try parser.parseMatrix()
  }

  /// A JSON array of numbers; non-finite values, which JSON cannot hold,
  /// are written as null.
  public static func encode<T: BinaryFloatingPoint>(vector values: [T]) -> String {
    "[" + values.map { value -> String in
      let v = Double(value)
      if !v.isFinite { return "null" }
      return T.self == Float.self ? "\(Float(value))" : "\(v)"
    }.joined(separator: ",") + "]\n"
  }
}

/// A parser for `[[number, …], …]` with error locations.
struct _JSONNumberArrayParser {
  let bytes: [UInt8]
  let file: String
  var position = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  func fail(_ location: String, _ problem: String) -> MatrixFileError {
    MatrixFileError(file: file, location: location, problem: problem + " (byte \(position))")
  }

  mutating func skipWhitespace() {
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
  }

  mutating func expect(_ byte: UInt8, _ location: String, _ what: String) throws {
    skipWhitespace()
    guard position < bytes.count, bytes[position] == byte else {
      throw fail(location, "expected \(what)")
    }
    position += 1
  }

  /// Whether the next non-blank byte is `byte` (consumed if so).
  mutating func take(_ byte: UInt8) -> Bool {
    skipWhitespace()
    if position < bytes.count, bytes[position] == byte {
      position += 1
      return true
    }
    return false
  }

  mutating func parseNumber(_ location: String) throws -> Double {
    skipWhitespace()
    let start = position
    while position < bytes.count, let c = Optional(bytes[position]),
          (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2B || c == 0x2E || c == 0x65 || c == 0x45 {
      position += 1
    }
    guard position > start, let text = String(bytes: bytes[start..<position], encoding: .ascii),
          let value = Double(text) else {
      throw fail(location, "expected a number")
    }
    return value
  }

  mutating func parseMatrix() throws -> Matrix<Double> {
    try expect(0x5B, "document", "'[' opening an array of arrays of numbers")
    var storage: [Double] = []
    var rows = 0
    var width = -1
    if take(0x5D) { throw fail("document", "the array is empty; expected at least one row") }
    skipWhitespace()
    if position < bytes.count, bytes[position] != 0x5B {
      // A flat array of numbers (what `encode(vector:)` writes): one row.
      repeat {
        storage.append(try parseNumber("[\(storage.count)]"))
      } while take(0x2C)
      try expect(0x5D, "[\(storage.count)]", "',' or ']' after a number")
      skipWhitespace()
      guard position == bytes.count else { throw fail("document", "unexpected text after the array") }
      let shape = try MatrixShape(rows: 1, columns: storage.count, file: file, location: "document")
      return Matrix(_unchecked: shape.rows, shape.columns, storage)
    }
    repeat {
      let rowPath = "[\(rows)]"
      try expect(0x5B, rowPath, "'[' opening a row (an array of numbers)")
      var count = 0
      if !take(0x5D) {
        repeat {
          storage.append(try parseNumber("\(rowPath)[\(count)]"))
          count += 1
        } while take(0x2C)
        try expect(0x5D, "\(rowPath)[\(count)]", "',' or ']' after a number")
      }
      if width >= 0 && count != width {
        throw fail(rowPath, "\(count) entries; expected \(width) like [0] (ragged rows)")
      }
      width = count
      rows += 1
    } while take(0x2C)
    try expect(0x5D, "[\(rows)]", "',' or ']' after a row")
    skipWhitespace()
    guard position == bytes.count else { throw fail("document", "unexpected text after the array") }
    let shape = try MatrixShape(rows: rows, columns: width, file: file, location: "document")
    return Matrix(_unchecked: shape.rows, shape.columns, storage)
  }
}
