// The one piece every fuzz target shares: SwiftPM links an executable
// target with `main` defined as `<Target>_main`; that function hands the
// process to libFuzzer's driver through `runLibFuzzer`, which calls the
// target's test function for every input.

@_silgen_name("LLVMFuzzerRunDriver")
func _llvmFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

/// Runs libFuzzer's driver on the process's arguments, calling `test` with
/// each input (its bytes and their count); returns the driver's exit code.
public func runLibFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ test: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt {
  var count = argc
  var arguments = argv
  return _llvmFuzzerRunDriver(&count, &arguments, test)
}
