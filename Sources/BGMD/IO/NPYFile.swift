import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a `.npy` file from disk in place: the header is read and checked
/// first (the same checks as `NPYFormat.read`: magic string, version, header
/// length against the file's size, dtype, order, shape through `MatrixShape`,
/// data size), then the data is read by the system straight into the
/// matrix's storage — no copy of the file's bytes is made besides the
/// matrix itself, and a `<f4` file stays `Float`. Peak memory is the matrix
/// plus the header.
extension NPYFormat {
  /// The b × d matrix of the `.npy` file at `path`.
  /// - Throws: `MatrixFileError` naming the file and the field (as
  ///   `read(_:file:)`), or "cannot be read" with the system's reason.
  /// - Complexity: O(b·d) bytes read, one pass.
  public static func readFile(path: String) throws -> MatrixData {
    func fail(_ location: String, _ problem: String) -> MatrixFileError {
      MatrixFileError(file: path, location: location, problem: problem)
    }
    let descriptor = open(path, O_RDONLY | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw fail("file", "cannot be read (\(String(cString: strerror(errno))))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw fail("file", "cannot be read (\(String(cString: strerror(errno))))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw fail("file", "is not a regular file; expected a .npy file")
    }
    let fileCount = Int(status.st_size)
    let prefix = try readBytes(descriptor, offset: 0, count: min(12, fileCount), path: path)
    let layout = try Layout(prefix: prefix, fileCount: fileCount, file: path)
    let text = try readBytes(
      descriptor, offset: layout.headerStart, count: layout.dataStart - layout.headerStart, path: path)
    let header = try Header(layout: layout, text: text, fileCount: fileCount, file: path)
    if header.width == 4 {
      let values = try readEntries(Float.self, descriptor, offset: layout.dataStart, count: header.count, path: path)
      return .float32(Matrix(_unchecked: header.rows, header.columns, values))
    }
    let values = try readEntries(Double.self, descriptor, offset: layout.dataStart, count: header.count, path: path)
    return .float64(Matrix(_unchecked: header.rows, header.columns, values))
  }

  /// `count` bytes at `offset`.
  static func readBytes(_ descriptor: Int32, offset: Int, count: Int, path: String) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    try bytes.withUnsafeMutableBytes { raw in
      try readFully(descriptor, into: raw, offset: offset, path: path, location: "header")
    }
    return bytes
  }

  /// `count` little-endian entries at `offset`, read into the array's own
  /// storage (byte-swapped there on a big-endian host).
  static func readEntries<E: BinaryFloatingPoint>(
    _: E.Type, _ descriptor: Int32, offset: Int, count: Int, path: String
  ) throws -> [E] {
    try [E](unsafeUninitializedCapacity: count) { buffer, initialized in
      _adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
      try readInParts(descriptor, into: UnsafeMutableRawBufferPointer(buffer), offset: offset, path: path)
      #if _endian(big)
      let raw = UnsafeMutableRawBufferPointer(buffer)
      for t in 0..<count {
        if E.self == Float.self {
          let u = raw.load(fromByteOffset: 4 * t, as: UInt32.self)
          raw.storeBytes(of: UInt32(littleEndian: u), toByteOffset: 4 * t, as: UInt32.self)
        } else {
          let u = raw.load(fromByteOffset: 8 * t, as: UInt64.self)
          raw.storeBytes(of: UInt64(littleEndian: u), toByteOffset: 8 * t, as: UInt64.self)
        }
      }
      #endif
      initialized = count
    }
  }

  /// `readFully` of the data, in two halves read side by side when the data
  /// are large (≥ 32 MiB): the time of such a read is mostly the faults of
  /// the matrix's fresh pages and the copy from the page cache, which two
  /// cores share. The bytes are the same whichever part reads them; the
  /// error reported is the first part's that failed.
  static func readInParts(
    _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int, path: String
  ) throws {
    let parts = buffer.count >= 32 << 20 ? 2 : 1
    guard parts > 1, let base = buffer.baseAddress else {
      try readFully(descriptor, into: buffer, offset: offset, path: path, location: "data")
      return
    }
    // Split at a 4 KiB boundary of the file's data.
    let half = (buffer.count / 2) & ~4095
    let ranges = [0..<half, half..<buffer.count]
    let errors = _PartErrors(count: parts)
    // The buffer's address as an integer (a pointer is not Sendable); each
    // part writes only its own range.
    let address = Int(bitPattern: base)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let range = ranges[part]
      do {
        try readFully(descriptor, into: UnsafeMutableRawBufferPointer(
                        start: UnsafeMutableRawPointer(bitPattern: address + range.lowerBound), count: range.count),
                      offset: offset + range.lowerBound, path: path, location: "data")
      } catch {
        errors.set(part, error)
      }
    }
    if let error = errors.first() { throw error }
  }

  /// Fills `buffer` from the file at `offset`; a file that ends early (it
  /// shrank after its size was read) is an error at `location`.
  static func readFully(
    _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int, path: String, location: String
  ) throws {
    guard let base = buffer.baseAddress else { return }
    var done = 0
    while done < buffer.count {
      // At most 1 GiB per call (Linux caps a read near 2 GiB).
      let chunk = min(buffer.count - done, 1 << 30)
      let got = pread(descriptor, base + done, chunk, off_t(offset + done))
      if got < 0 {
        if errno == EINTR { continue }
        throw MatrixFileError(file: path, location: "file", problem: "cannot be read (\(String(cString: strerror(errno))))")
      }
      if got == 0 {
        throw MatrixFileError(
          file: path, location: location,
          problem: "the file ended after \(offset + done) bytes while reading (it changed while being read)")
      }
      done += got
    }
  }
}

/// Asks the kernel to back the 2 MiB-aligned pages of a large, not yet
/// touched buffer with huge pages (Linux `MADV_HUGEPAGE`; a hint, ignored
/// where transparent huge pages are off and on other systems). The matrix's
/// fresh pages are then faulted in 2 MiB at a time instead of 4 KiB, which
/// is most of the time of reading a large file from the page cache
/// (`bgmd bench`, `aggregateCommand.wholeProcess.readAndWriteSeconds`); the
/// bytes read are the same either way, and so is the memory (the advice
/// covers only whole pages inside the buffer).
func _adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
  #if os(Linux)
  guard buffer.count >= 4 << 20, let base = buffer.baseAddress else { return }
  let page = 2 << 20
  let start = (Int(bitPattern: base) + page - 1) & ~(page - 1)
  let end = (Int(bitPattern: base) + buffer.count) & ~(page - 1)
  guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
  // A failure (no huge page support) leaves ordinary pages: nothing to do.
  _ = madvise(aligned, end - start, MADV_HUGEPAGE)
  #endif
}

/// The errors of the parts of one read, one slot per part.
final class _PartErrors: @unchecked Sendable {
  private var slots: [Error?]
  private let lock = NSLock()

  init(count: Int) { slots = [Error?](repeating: nil, count: count) }

  func set(_ part: Int, _ error: Error) {
    lock.lock()
    slots[part] = error
    lock.unlock()
  }

  /// The error of the lowest part that failed.
  func first() -> Error? {
    lock.lock()
    defer { lock.unlock() }
    return slots.compactMap { $0 }.first
  }
}
