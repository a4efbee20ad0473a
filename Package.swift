// swift-tools-version:6.0
import Foundation
import PackageDescription

// The numeric targets are compiled for AVX2 (`-target-cpu haswell`: AVX2,
// FMA, BMI2, F16C, MOVBE) when the build machine has it, as the binaries
// run where `swift build`, `swift run` and `swift test` built them. The
// kernels fix the order of every floating-point operation and use no fused
// multiply-add, so results are the same bits with and without it; only the
// SIMD width changes. (AVX2 rather than the machine's own `native` level:
// valgrind, used for the GMP leak check, does not decode AVX-512.) Set
// BGMD_PORTABLE=1 to build for the baseline CPU of the target instead.
let hostTuning: [SwiftSetting] = {
  #if os(Linux) && arch(x86_64)
  guard ProcessInfo.processInfo.environment["BGMD_PORTABLE"] == nil,
    let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return [] }
  let flags = Set(flagsLine.split(separator: " ").map(String.init))
  let haswell: Set<String> = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm", "popcnt", "sse4_2"]
  if haswell.isSubset(of: flags) {
    return [.unsafeFlags(["-target-cpu", "haswell"]), .define("BGMD_AVX2")]
  }
  #endif
  return []
}()

let package = Package(
  name: "bgmd",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Randomness", targets: ["Randomness"]),
    .library(name: "ExactArithmetic", targets: ["ExactArithmetic"]),
    .library(name: "BGMD", targets: ["BGMD"]),
    .library(name: "ClaimCheck", targets: ["ClaimCheck"]),
    .library(name: "BGMDClaims", targets: ["BGMDClaims"]),
    .library(name: "BGMDExperiments", targets: ["BGMDExperiments"]),
    .library(name: "Plotting", targets: ["Plotting"]),
    .executable(name: "bgmd", targets: ["bgmd"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
  ],
  targets: [
    // GMP, the GNU multiple-precision library, as a system library.
    .systemLibrary(
      name: "CGMP",
      pkgConfig: "gmp",
      providers: [.apt(["libgmp-dev"]), .brew(["gmp"])]
    ),
    // Seeded generators and draws from raw 64-bit words, shared by every
    // module that draws (the algorithms and the claim engine).
    .target(name: "Randomness", swiftSettings: hostTuning),
    .target(
      name: "ExactArithmetic",
      dependencies: [
        "CGMP",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    .target(
      name: "BGMD",
      dependencies: [
        "ExactArithmetic", "Randomness",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: hostTuning
    ),
    // The paper's experiments at CPU scale (training runs, the grid runner,
    // checkpoints, results reports): an application of BGMD, not part of it.
    .target(
      name: "BGMDExperiments",
      dependencies: ["BGMD", "Plotting", "Randomness"]
    ),
    // The one plot model and SVG renderer (claim reports and experiment figures).
    .target(name: "Plotting"),
    .target(
      name: "ClaimCheck",
      dependencies: ["Randomness"]
    ),
    .target(
      name: "BGMDClaims",
      dependencies: [
        "BGMD", "ClaimCheck", "ExactArithmetic", "Plotting", "Randomness",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    .executableTarget(
      name: "bgmd",
      dependencies: [
        "BGMD", "BGMDClaims", "BGMDExperiments", "ClaimCheck", "ExactArithmetic", "Plotting", "Randomness",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: hostTuning
    ),
    // Helpers the test targets share (sameBits, temporary directories, the
    // package root): one copy, not one per test file.
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
    .testTarget(name: "ExactArithmeticTests", dependencies: ["ExactArithmetic"]),
    .testTarget(name: "BGMDTests", dependencies: ["BGMD", "ExactArithmetic", "Randomness", "TestSupport"]),
    .testTarget(name: "BGMDExperimentsTests", dependencies: ["BGMDExperiments", "BGMD", "Randomness", "TestSupport"]),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
    .testTarget(name: "ClaimCheckTests", dependencies: ["ClaimCheck", "Randomness", "TestSupport"]),
    .testTarget(
      name: "BGMDClaimsTests",
      dependencies: ["BGMDClaims", "BGMD", "ClaimCheck", "ExactArithmetic", "Randomness", "TestSupport"]
    ),
  ]
)
