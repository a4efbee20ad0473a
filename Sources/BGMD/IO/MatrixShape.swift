/// The shape of a matrix read from a file, checked in one place: every
/// reader (`.npy`, `.csv`, `.json`) takes b and d through here, so a shape
/// whose entry count or byte count does not fit in `Int` is an error naming
/// the file, never a trap on an overflowing product, and b = 0 or d = 0 is
/// rejected (no rule has an answer for zero coordinates or zero rows).
public struct MatrixShape: Sendable, Equatable {
  /// b, the number of rows (≥ 1).
  public let rows: Int
  /// d, the number of columns (≥ 1).
  public let columns: Int
  /// b·d, the number of entries.
  public let count: Int

  /// b·d·`bytesPerEntry`, or nil when it does not fit in `Int`.
  public func byteCount(bytesPerEntry: Int) -> Int? {
    let (bytes, overflow) = count.multipliedReportingOverflow(by: bytesPerEntry)
    return overflow ? nil : bytes
  }

  /// The shape b × d of `file`; `location` names where in the file the
  /// shape comes from (e.g. "header field 'shape'").
  /// - Throws: `MatrixFileError` when b < 1, d < 1 or b·d overflows `Int`.
  public init(rows: Int, columns: Int, file: String, location: String) throws {
    guard rows >= 1 else {
      throw MatrixFileError(file: file, location: location, problem: "\(rows) rows; expected b ≥ 1")
    }
    guard columns >= 1 else {
      throw MatrixFileError(
        file: file, location: location, problem: "\(columns) columns; expected d ≥ 1 (a vector needs a coordinate)")
    }
    let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
    guard !overflow else {
      throw MatrixFileError(
        file: file, location: location, problem: "shape \(rows) × \(columns) has more entries than can be addressed (b·d > \(Int.max))")
    }
    self.rows = rows
    self.columns = columns
    self.count = count
  }
}
