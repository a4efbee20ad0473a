// SwiftPM links an executable target with `main` defined as
// `FuzzCSV_main`; this hands the process to libFuzzer's driver, which
// calls LLVMFuzzerTestOneInput for every input.

@_silgen_name("LLVMFuzzerRunDriver")
func _llvmFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafeRawPointer?, Int) -> CInt
) -> CInt

@_cdecl("FuzzCSV_main")
public func _fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return _llvmFuzzerRunDriver(&count, &arguments, { fuzzCSV($0, $1) })
}
