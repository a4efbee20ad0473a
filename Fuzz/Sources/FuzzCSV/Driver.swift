import FuzzDriver

// FuzzCSV's entry point (SwiftPM renames `main` to `FuzzCSV_main`),
// handed to libFuzzer by FuzzDriver.
@_cdecl("FuzzCSV_main")
public func _fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runLibFuzzer(argc, argv) { fuzzCSV($0, $1) }
}
