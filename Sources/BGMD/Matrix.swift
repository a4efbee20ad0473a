/// A dense b × d matrix in row-major order: row i is
/// `storage[i*columns ..< (i+1)*columns]`.
///
/// In the paper's notation the rows are the b stochastic gradients
/// G[i, :] ∈ ℝ^d of one iteration and the columns are coordinates.
public struct Matrix<Element>: Sendable where Element: Sendable {
  /// b, the number of rows.
  public let rows: Int
  /// d, the number of columns.
  public let columns: Int
  /// The entries, row after row; `count == rows * columns`.
  public var storage: [Element]

  /// A rows × columns matrix with every entry `value`.
  /// - Precondition: `rows >= 0`, `columns >= 0`.
  public init(rows: Int, columns: Int, repeating value: Element) {
    precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// A matrix over existing row-major storage.
  /// - Throws: `ShapeError.storageCount` when `storage.count != rows * columns`.
  public init(rows: Int, columns: Int, storage: [Element]) throws {
    guard rows >= 0, columns >= 0, storage.count == rows * columns else {
      throw ShapeError.storageCount(rows: rows, columns: columns, count: storage.count)
    }
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A matrix from its rows.
  /// - Throws: `ShapeError.raggedRow` when rows differ in length,
  ///   `ShapeError.noRows` when `rowArrays` is empty.
  public init(_ rowArrays: [[Element]]) throws {
    guard let first = rowArrays.first else { throw ShapeError.noRows }
    let width = first.count
    var storage: [Element] = []
    storage.reserveCapacity(rowArrays.count * width)
    for (i, row) in rowArrays.enumerated() {
      guard row.count == width else {
        throw ShapeError.raggedRow(row: i, expected: width, found: row.count)
      }
      storage.append(contentsOf: row)
    }
    self.rows = rowArrays.count
    self.columns = width
    self.storage = storage
  }

  /// The entry in row i, column j.
  @inlinable public subscript(i: Int, j: Int) -> Element {
    get { storage[i * columns + j] }
    set { storage[i * columns + j] = newValue }
  }

  /// Row i as a slice of the storage.
  @inlinable public func row(_ i: Int) -> ArraySlice<Element> {
    storage[(i * columns)..<((i + 1) * columns)]
  }

  /// Replaces row i.
  /// - Precondition: `values.count == columns`.
  public mutating func setRow<C: Collection>(_ i: Int, _ values: C) where C.Element == Element {
    precondition(values.count == columns, "Matrix.setRow: \(values.count) values for \(columns) columns")
    storage.replaceSubrange((i * columns)..<((i + 1) * columns), with: values)
  }

  /// The rows as arrays.
  public var rowArrays: [[Element]] { (0..<rows).map { Array(row($0)) } }

  /// Column j as an array.
  /// - Complexity: O(rows).
  public func column(_ j: Int) -> [Element] {
    (0..<rows).map { storage[$0 * columns + j] }
  }

  /// The b × k matrix of the columns in `block`, in that order.
  /// - Complexity: O(rows · block.count).
  public func gatherColumns(_ block: [Int]) -> Matrix<Element> {
    var gathered: [Element] = []
    gathered.reserveCapacity(rows * block.count)
    for i in 0..<rows {
      let base = i * columns
      for j in block { gathered.append(storage[base + j]) }
    }
    // The count matches by construction.
    return Matrix(_unchecked: rows, block.count, gathered)
  }

  /// Writes the columns of `source` (b × k) into the columns `block` of self.
  /// - Precondition: `source.rows == rows`, `source.columns == block.count`.
  public mutating func scatterColumns(_ block: [Int], from source: Matrix<Element>) {
    precondition(source.rows == rows && source.columns == block.count,
                 "Matrix.scatterColumns: source is \(source.rows)×\(source.columns), expected \(rows)×\(block.count)")
    for i in 0..<rows {
      for (t, j) in block.enumerated() {
        storage[i * columns + j] = source.storage[i * block.count + t]
      }
    }
  }

  @usableFromInline init(_unchecked rows: Int, _ columns: Int, _ storage: [Element]) {
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }
}

extension Matrix: Equatable where Element: Equatable {}

extension Matrix where Element: Numeric {
  /// aᵢᵀx, row i of the matrix times x, summed from column 0 up (the one
  /// order the problems' losses and gradients use). O(columns).
  @inlinable func _rowDot(_ i: Int, _ x: [Element]) -> Element {
    var s = Element.zero
    let base = i * columns
    for j in 0..<columns { s += storage[base + j] * x[j] }
    return s
  }
}

/// A shape that does not fit: a thrown error naming what was expected.
public enum ShapeError: Error, Equatable, CustomStringConvertible, Sendable {
  case noRows
  case raggedRow(row: Int, expected: Int, found: Int)
  case storageCount(rows: Int, columns: Int, count: Int)
  case blockSize(k: Int, d: Int)
  case dimensionMismatch(what: String, expected: Int, found: Int)

  public var description: String {
    switch self {
    case .noRows: return "the matrix has no rows (b = 0); at least one row is needed"
    case let .raggedRow(row, expected, found):
      return "row \(row) has \(found) entries; expected \(expected) like row 0"
    case let .storageCount(rows, columns, count):
      return "\(count) entries cannot form a \(rows)×\(columns) matrix"
    case let .blockSize(k, d):
      return "block size k = \(k) is outside 1…d with d = \(d)"
    case let .dimensionMismatch(what, expected, found):
      return "\(what) has dimension \(found); expected \(expected)"
    }
  }
}
