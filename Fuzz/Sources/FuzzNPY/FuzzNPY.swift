import BGMD

/// One input: bytes as a `.npy` file. The reader must return a matrix whose
/// storage matches its shape, or throw a `MatrixFileError`; never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let bytes = start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
  if let m = try? NPYFormat.read(bytes, file: "fuzz.npy") {
    switch m {
    case let .float32(x): precondition(x.storage.count == x.rows * x.columns && x.rows >= 1 && x.columns >= 1)
    case let .float64(x): precondition(x.storage.count == x.rows * x.columns && x.rows >= 1 && x.columns >= 1)
    }
  }
  return 0
}
