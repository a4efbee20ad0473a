import FuzzDriver

// FuzzFixture's entry point (SwiftPM renames `main` to `FuzzFixture_main`),
// handed to libFuzzer by FuzzDriver.
@_cdecl("FuzzFixture_main")
public func _fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runLibFuzzer(argc, argv) { fuzzFixture($0, $1) }
}
