// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the readers of untrusted input. A package of its
// own, depending on the main one by path, so the default `swift build` and
// `swift test` of the main package never build them (they need
// `-sanitize=fuzzer`, whose runtime drives the process). Build and run:
// Fuzz/run-fuzzers.sh (the README's Development section); each target's
// Driver.swift hands SwiftPM's renamed entry point to libFuzzer (FuzzDriver).
let package = Package(
  name: "bgmd-fuzz",
  dependencies: [.package(name: "bgmd", path: "..")],
  targets: [
    // libFuzzer's driver, called from each target's Driver.swift.
    .target(name: "FuzzDriver"),
    .executableTarget(name: "FuzzNPY", dependencies: ["FuzzDriver", .product(name: "BGMD", package: "bgmd")]),
    .executableTarget(name: "FuzzCSV", dependencies: ["FuzzDriver", .product(name: "BGMD", package: "bgmd")]),
    .executableTarget(name: "FuzzJSONMatrix", dependencies: ["FuzzDriver", .product(name: "BGMD", package: "bgmd")]),
    .executableTarget(name: "FuzzFixture", dependencies: ["FuzzDriver", .product(name: "ClaimCheck", package: "bgmd")]),
    .executableTarget(name: "FuzzRational", dependencies: ["FuzzDriver", .product(name: "ExactArithmetic", package: "bgmd")]),
  ]
)
