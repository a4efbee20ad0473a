import BGMD
import Foundation

/// One input: bytes as a JSON matrix file. Returns a well-shaped matrix or
/// throws; never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONMatrix(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  if let m = try? JSONMatrixFormat.read(data, file: "fuzz.json") {
    precondition(m.storage.count == m.rows * m.columns && m.rows >= 1 && m.columns >= 1)
    _ = JSONMatrixFormat.encode(vector: Array(m.row(0)))
  }
  return 0
}
