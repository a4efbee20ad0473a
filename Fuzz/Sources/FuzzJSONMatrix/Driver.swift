import FuzzDriver

// FuzzJSONMatrix's entry point (SwiftPM renames `main` to `FuzzJSONMatrix_main`),
// handed to libFuzzer by FuzzDriver.
@_cdecl("FuzzJSONMatrix_main")
public func _fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runLibFuzzer(argc, argv) { fuzzJSONMatrix($0, $1) }
}
