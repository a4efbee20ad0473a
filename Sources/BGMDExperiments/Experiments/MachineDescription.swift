import BGMD
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine an experiment ran on, for the result files.
public enum MachineDescription {
  /// `processors` (active), `machine` (uname -m), `system` (uname -s),
  /// `compiler` (the Swift compiler this binary was built with) and
  /// `simd` (the instruction set the numeric targets were compiled for).
  public static func current() -> [String: String] {
    var info: [String: String] = ["processors": String(ProcessInfo.processInfo.activeProcessorCount)]
    var names = utsname()
    if uname(&names) == 0 {
      info["machine"] = withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      info["system"] = withUnsafeBytes(of: &names.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    info["compiler"] = compilerVersion
    info["simd"] = simdLevel
    return info
  }

  /// The instruction set the numeric targets were compiled for, as BGMD
  /// (built with those settings) reports it: this target is not.
  public static var simdLevel: String { SIMDLevel.current }

  /// The Swift compiler version this code was compiled with (to the minor
  /// version, from `#if compiler`).
  public static var compilerVersion: String {
    #if compiler(>=6.4)
    return "Swift ≥ 6.4"
    #elseif compiler(>=6.3)
    return "Swift 6.3"
    #elseif compiler(>=6.2)
    return "Swift 6.2"
    #elseif compiler(>=6.1)
    return "Swift 6.1"
    #else
    return "Swift 6.0"
    #endif
  }
}
