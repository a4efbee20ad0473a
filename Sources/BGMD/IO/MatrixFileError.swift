/// A matrix or vector file that cannot be read or written: names the file,
/// where in it (a header field, a line and column, a JSON path) and what was
/// expected.
public struct MatrixFileError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file's path as given.
  public var file: String
  /// Where: e.g. "magic string", "header field 'descr'", "line 3, field 2",
  /// "[1][0]".
  public var location: String
  /// What was expected and what was found.
  public var problem: String

  public init(file: String, location: String, problem: String) {
    self.file = file
    self.location = location
    self.problem = problem
  }

  public var description: String { "\(file): \(location): \(problem)" }
}

/// A matrix read from a file, in the precision the file holds: `.npy` with
/// dtype '<f4' gives `float32`; '<f8', CSV and JSON give `float64`.
public enum MatrixData: Sendable, Equatable {
  case float32(Matrix<Float>)
  case float64(Matrix<Double>)

  /// b, the number of rows.
  public var rows: Int {
    switch self {
    case let .float32(m): return m.rows
    case let .float64(m): return m.rows
    }
  }

  /// d, the number of columns.
  public var columns: Int {
    switch self {
    case let .float32(m): return m.columns
    case let .float64(m): return m.columns
    }
  }

  /// The matrix in `Double` (exact for `float32`).
  public var asDouble: Matrix<Double> {
    switch self {
    case let .float32(m): return Matrix(_unchecked: m.rows, m.columns, m.storage.map { Double($0) })
    case let .float64(m): return m
    }
  }
}
