// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "bgmd",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Randomness", targets: ["Randomness"]),
    .library(name: "ExactArithmetic", targets: ["ExactArithmetic"]),
    .library(name: "BGMD", targets: ["BGMD"]),
    .library(name: "ClaimCheck", targets: ["ClaimCheck"]),
    .library(name: "BGMDClaims", targets: ["BGMDClaims"]),
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
    .target(name: "Randomness"),
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
      ]
    ),
    .target(
      name: "ClaimCheck",
      dependencies: ["ExactArithmetic", "Randomness"]
    ),
    .target(
      name: "BGMDClaims",
      dependencies: [
        "BGMD", "ClaimCheck", "ExactArithmetic", "Randomness",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    .executableTarget(
      name: "bgmd",
      dependencies: [
        "BGMD", "BGMDClaims", "ClaimCheck", "ExactArithmetic", "Randomness",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
    .testTarget(name: "ExactArithmeticTests", dependencies: ["ExactArithmetic"]),
    .testTarget(name: "BGMDTests", dependencies: ["BGMD", "ExactArithmetic", "Randomness"]),
    .testTarget(name: "ClaimCheckTests", dependencies: ["ClaimCheck", "ExactArithmetic", "Randomness"]),
    .testTarget(
      name: "BGMDClaimsTests",
      dependencies: ["BGMDClaims", "BGMD", "ClaimCheck", "ExactArithmetic", "Randomness"]
    ),
  ]
)
