import FuzzDriver

// FuzzRational's entry point (SwiftPM renames `main` to `FuzzRational_main`),
// handed to libFuzzer by FuzzDriver.
@_cdecl("FuzzRational_main")
public func _fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runLibFuzzer(argc, argv) { fuzzRational($0, $1) }
}
