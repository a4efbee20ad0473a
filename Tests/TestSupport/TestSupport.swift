import Foundation

// Helpers shared by the test targets (one copy each, instead of one per
// test file): bit-for-bit comparison, fresh temporary directories, the
// package's root folder and little-endian byte images of numbers.

/// The same bit pattern, element by element (so NaN equals NaN and −0
/// differs from +0): what "bit-identical to the reference" means.
public func sameBits<E: BinaryFloatingPoint>(_ a: [E], _ b: [E]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { x, y in
    x.sign == y.sign && x.exponentBitPattern == y.exponentBitPattern
      && x.significandBitPattern == y.significandBitPattern
  }
}

/// The largest |a_i − b_i|.
public func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
  zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// A path under the system's temporary directory that nothing else uses
/// (`name` plus a UUID): absent, or an empty directory when `create`.
public func temporaryDirectory(_ name: String, create: Bool = false) -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("bgmd-\(name)-\(UUID().uuidString)", isDirectory: true)
  if create { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
  return url
}

/// The package's root folder (the one holding Package.swift), from this
/// file's place in it: Tests/TestSupport/TestSupport.swift.
public let packageRoot: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The little-endian bytes of `values`, one after another (the layout of
/// `.npy` and raw matrix files on every platform).
public func littleEndianBytes(_ values: [Double]) -> [UInt8] {
  values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

/// The little-endian bytes of `values` (binary32), one after another.
public func littleEndianBytes(_ values: [Float]) -> [UInt8] {
  values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}
