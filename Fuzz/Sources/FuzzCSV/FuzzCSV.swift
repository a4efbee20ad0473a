import BGMD

/// One input: bytes as CSV text (invalid UTF-8 repaired, as a reader of
/// text would see it). Returns a well-shaped matrix or throws; never traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
  let text = String(decoding: bytes, as: UTF8.self)
  if let m = try? CSVFormat.read(text, file: "fuzz.csv") {
    precondition(m.storage.count == m.rows * m.columns && m.rows >= 1 && m.columns >= 1)
    _ = CSVFormat.encode(vector: Array(m.row(0)))
  }
  return 0
}
