import BGMD
import Foundation

/// A JSON-lines file of finished cells: each `CellResult` is appended (and
/// flushed) the moment its cell finishes, so an interrupted grid loses no
/// finished cell, and a rerun skips every cell already there.
///
/// Non-finite numbers are written as the strings `"nan"`, `"inf"`,
/// `"-inf"`. A last line cut short by an interruption is ignored on reading.
public struct CheckpointFile: Sendable {
  /// The file's path.
  public let path: String

  public init(path: String) { self.path = path }

  /// The encoder used for checkpoint lines and result files.
  public static func encoder(pretty: Bool = false) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
    return encoder
  }

  /// The matching decoder.
  public static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  /// The cells in the file (none when it does not exist), in file order.
  /// - Throws: `CheckpointError.unreadable` when the file exists but cannot
  ///   be read, `CheckpointError.malformedLine` for a bad line other than a
  ///   cut-short last one.
  public func load() throws -> [CellResult] {
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw CheckpointError.unreadable(path: path, reason: String(describing: error))
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let decoder = Self.decoder()
    var cells: [CellResult] = []
    for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
      do {
        cells.append(try decoder.decode(CellResult.self, from: Data(line.utf8)))
      } catch {
        // The last line may have been cut by an interruption: skip it.
        if index == lines.count - 1 { continue }
        throw CheckpointError.malformedLine(path: path, line: index + 1, reason: String(describing: error))
      }
    }
    return cells
  }

  /// Appends one cell as a line and flushes it to disk.
  /// - Throws: `CheckpointError.unwritable`.
  public func append(_ cell: CellResult) throws {
    var data: Data
    do {
      data = try Self.encoder().encode(cell)
    } catch {
      throw CheckpointError.unwritable(path: path, reason: String(describing: error))
    }
    data.append(0x0A)
    if !FileManager.default.fileExists(atPath: path) {
      guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw CheckpointError.unwritable(path: path, reason: "cannot create the file")
      }
    }
    do {
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
      defer { try? handle.close() }
      try handle.seekToEnd()
      try handle.write(contentsOf: data)
      try handle.synchronize()
    } catch {
      throw CheckpointError.unwritable(path: path, reason: String(describing: error))
    }
  }
}

/// A checkpoint file that cannot be read or written.
public enum CheckpointError: Error, Equatable, CustomStringConvertible, Sendable {
  case unreadable(path: String, reason: String)
  case malformedLine(path: String, line: Int, reason: String)
  case unwritable(path: String, reason: String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): return "cannot read checkpoint \(path): \(reason)"
    case let .malformedLine(path, line, reason): return "\(path):\(line): not a checkpoint cell: \(reason)"
    case let .unwritable(path, reason): return "cannot append to checkpoint \(path): \(reason)"
    }
  }
}
