import FuzzDriver

// FuzzNPY's entry point (SwiftPM renames `main` to `FuzzNPY_main`),
// handed to libFuzzer by FuzzDriver.
@_cdecl("FuzzNPY_main")
public func _fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runLibFuzzer(argc, argv) { fuzzNPY($0, $1) }
}
