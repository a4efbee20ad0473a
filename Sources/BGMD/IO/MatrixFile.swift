import Foundation

/// Reading a matrix and writing a vector by file extension: `.npy`, `.csv`,
/// `.json`.
public enum MatrixFile {
  /// Reads the b × d matrix at `path`.
  /// - Throws: `MatrixFileError` naming the file (unknown extension,
  ///   unreadable file, malformed content).
  public static func read(path: String) throws -> MatrixData {
    let url = URL(fileURLWithPath: path)
    try requireRegularFile(path, verb: "read")
    // A .npy file is read in place: its data go straight into the matrix.
    if url.pathExtension.lowercased() == "npy" { return try NPYFormat.readFile(path: path) }
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw MatrixFileError(file: path, location: "file", problem: "cannot be read (\(describe(error)))")
    }
    switch url.pathExtension.lowercased() {
    case "npy": return try NPYFormat.read([UInt8](data), file: path)
    case "csv":
      guard let text = String(data: data, encoding: .utf8) else {
        throw MatrixFileError(file: path, location: "file", problem: "not UTF-8 text")
      }
      return .float64(try CSVFormat.read(text, file: path))
    case "json": return .float64(try JSONMatrixFormat.read(data, file: path))
    default:
      throw MatrixFileError(
        file: path, location: "file name", problem: "extension '.\(url.pathExtension)'; expected .npy, .csv or .json")
    }
  }

  /// Writes `vector` to `path` in the format of its extension.
  /// - Throws: `MatrixFileError` for an unknown extension or a failed write.
  @_specialize(where T == Float)
  @_specialize(where T == Double)
  public static func write<T: BinaryFloatingPoint>(vector: [T], path: String) throws {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw MatrixFileError(file: path, location: "file", problem: "is a directory; cannot be written as a file")
    }
    let data: Data
    switch url.pathExtension.lowercased() {
    case "npy": data = Data(NPYFormat.encode(vector: vector))
    case "csv": data = Data(CSVFormat.encode(vector: vector).utf8)
    case "json": data = Data(JSONMatrixFormat.encode(vector: vector).utf8)
    default:
      throw MatrixFileError(
        file: path, location: "file name", problem: "extension '.\(url.pathExtension)'; expected .npy, .csv or .json")
    }
    do {
      try data.write(to: url, options: .atomic)
    } catch {
      throw MatrixFileError(file: path, location: "file", problem: "cannot be written (\(describe(error)))")
    }
  }

  /// Throws a `MatrixFileError` naming `path` when it does not exist or is
  /// a directory, before Foundation's less specific error would.
  static func requireRegularFile(_ path: String, verb: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw MatrixFileError(file: path, location: "file", problem: "cannot be \(verb): no such file")
    }
    if isDirectory.boolValue {
      throw MatrixFileError(file: path, location: "file", problem: "is a directory; expected a .npy, .csv or .json file")
    }
  }

  /// A Foundation file error as a short reason (the underlying POSIX error
  /// when there is one, e.g. "Permission denied").
  static func describe(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
       let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
      return String(cString: strerror(code.rawValue))
    }
    return ns.localizedDescription
  }
}
