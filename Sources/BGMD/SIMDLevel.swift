/// The instruction set BGMD's numeric kernels were compiled for.
///
/// `Package.swift` compiles the numeric targets for AVX2 (`-target-cpu
/// haswell`) when the build machine has it and `BGMD_PORTABLE` is unset, and
/// defines `BGMD_AVX2` for them. The answer must come from a target built
/// with those settings, so it lives here, beside the kernels it describes.
public enum SIMDLevel {
  /// "AVX2 (-target-cpu haswell)" or "the target's baseline".
  public static var current: String {
    #if BGMD_AVX2
    return "AVX2 (-target-cpu haswell)"
    #else
    return "the target's baseline"
    #endif
  }
}
