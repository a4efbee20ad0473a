import Foundation

/// NumPy's `.npy` format (versions 1.0, 2.0, 3.0): the magic string
/// "\x93NUMPY", a version, a little-endian header length (2 bytes in 1.0,
/// 4 bytes in 2.0 and 3.0), a Python dict literal with 'descr',
/// 'fortran_order' and 'shape', then the data.
///
/// Supported: dtype '<f4' and '<f8', C order, shape (b, d) — or (d,), read as
/// one row. Fortran order, other dtypes and other ranks are errors naming
/// the header field.
public enum NPYFormat {
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

  /// Parses a `.npy` file's bytes; `file` names it in errors.
  /// - Complexity: O(b·d).
  public static func read(_ bytes: [UInt8], file: String) throws -> MatrixData {
    let layout = try Layout(prefix: Array(bytes.prefix(12)), fileCount: bytes.count, file: file)
    let header = try Header(layout: layout, text: Array(bytes[layout.headerStart..<layout.dataStart]),
                            fileCount: bytes.count, file: file)
    let rows = header.rows, columns = header.columns, count = header.count, dataStart = layout.dataStart
    return bytes.withUnsafeBytes { raw -> MatrixData in
      if header.width == 4 {
        let values = (0..<count).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: dataStart + 4 * $0, as: UInt32.self).littleEndian) }
        return .float32(Matrix(_unchecked: rows, columns, values))
      }
      let values = (0..<count).map { Double(bitPattern: raw.loadUnaligned(fromByteOffset: dataStart + 8 * $0, as: UInt64.self).littleEndian) }
      return .float64(Matrix(_unchecked: rows, columns, values))
    }
  }

  /// Where a `.npy` file's header and data start, from its first (up to 12)
  /// bytes and its size: the magic string, the version and the header
  /// length, checked against the file's size.
  struct Layout {
    let major: UInt8
    let headerStart: Int
    let dataStart: Int

    /// - Parameters:
    ///   - prefix: the file's first min(12, size) bytes.
    ///   - fileCount: the file's size in bytes.
    init(prefix bytes: [UInt8], fileCount: Int, file: String) throws {
      func fail(_ location: String, _ problem: String) -> MatrixFileError {
        MatrixFileError(file: file, location: location, problem: problem)
      }
      guard fileCount >= 10, bytes.count >= 10, Array(bytes[0..<6]) == NPYFormat.magic else {
        throw fail("magic string", "expected the 6 bytes \\x93NUMPY at the start of a .npy file")
      }
      let major = bytes[6]
      let headerLength: Int
      switch major {
      case 1:
        headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        headerStart = 10
      case 2, 3:
        guard fileCount >= 12, bytes.count >= 12 else {
          throw fail("header length", "file ends inside the 4-byte header length")
        }
        headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        headerStart = 12
      default:
        throw fail("version", "format version \(major).\(bytes[7]); expected 1.0, 2.0 or 3.0")
      }
      self.major = major
      dataStart = headerStart + headerLength
      guard dataStart <= fileCount else {
        throw fail("header", "header of \(headerLength) bytes runs past the end of the file (\(fileCount) bytes)")
      }
    }
  }

  /// The header dict of a `.npy` file, checked: dtype '<f4' or '<f8', C
  /// order, a shape (b, d) or (d,) through `MatrixShape`, and a data size
  /// of exactly b·d entries.
  struct Header {
    let rows: Int
    let columns: Int
    let count: Int
    /// Bytes per entry: 4 ('<f4') or 8 ('<f8').
    let width: Int

    /// - Parameters:
    ///   - text: the header's bytes (from `layout.headerStart` to `layout.dataStart`).
    ///   - fileCount: the file's size in bytes.
    init(layout: Layout, text: [UInt8], fileCount: Int, file: String) throws {
      func fail(_ location: String, _ problem: String) -> MatrixFileError {
        MatrixFileError(file: file, location: location, problem: problem)
      }
      guard let header = String(bytes: text, encoding: layout.major == 3 ? .utf8 : .isoLatin1) else {
        throw fail("header", "not decodable text")
      }
      let descr = try NPYFormat.field("descr", in: header, fail)
      let fortran = try NPYFormat.field("fortran_order", in: header, fail)
      let shapeText = try NPYFormat.field("shape", in: header, fail)
      switch descr {
      case "'<f4'": width = 4
      case "'<f8'": width = 8
      default:
        throw fail("header field 'descr'", "dtype \(descr); expected '<f4' (float32) or '<f8' (float64), little-endian")
      }
      guard fortran == "False" else {
        throw fail("header field 'fortran_order'", "\(fortran); only C order (False) is supported")
      }
      let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
      let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      let dims = parts.compactMap { Int($0) }
      guard dims.count == parts.count, dims.allSatisfy({ $0 >= 0 }), dims.count == 1 || dims.count == 2 else {
        throw fail("header field 'shape'", "\(shapeText); expected (b, d) or (d,) with non-negative integers")
      }
      let shape = try MatrixShape(
        rows: dims.count == 2 ? dims[0] : 1, columns: dims.count == 2 ? dims[1] : dims[0],
        file: file, location: "header field 'shape'")
      rows = shape.rows
      columns = shape.columns
      count = shape.count
      let dataBytes = fileCount - layout.dataStart
      guard let needed = shape.byteCount(bytesPerEntry: width) else {
        throw fail("header field 'shape'", "\(shapeText) with dtype \(descr) needs more than \(Int.max) bytes; the file has \(dataBytes) bytes of data")
      }
      guard dataBytes == needed else {
        throw fail("data", "\(dataBytes) bytes of data; shape \(shapeText) with dtype \(descr) needs \(needed)")
      }
    }
  }

  /// The value text of `'key': value` in a header dict.
  static func field(_ key: String, in header: String, _ fail: (String, String) -> MatrixFileError) throws -> String {
    guard let keyRange = header.range(of: "'\(key)'") else {
      throw fail("header field '\(key)'", "missing from the header \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    var rest = header[keyRange.upperBound...].drop { $0 == " " }
    guard rest.first == ":" else { throw fail("header field '\(key)'", "expected ':' after the key") }
    rest = rest.dropFirst().drop { $0 == " " }
    if rest.first == "(" {
      guard let close = rest.firstIndex(of: ")") else { throw fail("header field '\(key)'", "unclosed tuple") }
      return String(rest[...close])
    }
    let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
    return rest[..<end].trimmingCharacters(in: .whitespaces)
  }

  /// The preamble and header of a version 1.0 `.npy` file for a C-order
  /// array of `shape`, dtype '<f4' (`float32`) or '<f8', padded with spaces
  /// so the data start at a multiple of 64: the bytes before the entries.
  public static func header(float32: Bool, shape: [Int]) -> [UInt8] {
    let dimensions = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
    var header = "{'descr': '\(float32 ? "<f4" : "<f8")', 'fortran_order': False, 'shape': (\(dimensions)), }"
    // Pad with spaces so the data starts at a multiple of 64; end with '\n'.
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes = magic + [1, 0]
    let length = header.utf8.count
    bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
    bytes += Array(header.utf8)
    return bytes
  }

  /// A version 1.0 `.npy` file holding `values` as a 1-D array of shape
  /// (count,), dtype '<f8' or '<f4'.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  public static func encode<T: BinaryFloatingPoint>(vector values: [T]) -> [UInt8] {
    let isFloat = T.self == Float.self
    var bytes = header(float32: isFloat, shape: [values.count])
    let width = isFloat ? 4 : 8
    let start = bytes.count
    // The entries' little-endian bytes written straight into the buffer.
    bytes += [UInt8](repeating: 0, count: values.count * width)
    bytes.withUnsafeMutableBytes { raw in
      values.withUnsafeBufferPointer { p in
        for t in 0..<p.count {
          if isFloat {
            raw.storeBytes(of: Float(p[t]).bitPattern.littleEndian, toByteOffset: start &+ 4 &* t, as: UInt32.self)
          } else {
            raw.storeBytes(of: Double(p[t]).bitPattern.littleEndian, toByteOffset: start &+ 8 &* t, as: UInt64.self)
          }
        }
      }
    }
    return bytes
  }
}
