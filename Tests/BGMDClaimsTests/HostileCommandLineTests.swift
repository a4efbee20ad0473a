import BGMDClaims
import Foundation
import Testing
import TestSupport

/// The hostile-input table, command-line side: the built `bgmd` binary run
/// on bad input, one test per class. Each asserts a clear message, a
/// non-zero exit where no answer can be given (and never a trap), and a
/// finite, correct answer where one can. The library side of the same
/// classes is BGMDTests/HostileInputTests.swift.
@Suite struct HostileCommandLineTests {
  struct Run {
    var status: Int32
    var exited: Bool
    var stdout: String
    var stderr: String
  }

  /// The `bgmd` binary of this build: next to the test bundle, else under
  /// the package's .build/debug.
  static let binary: URL? = {
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    candidates.append(PackageRoot.current().appendingPathComponent(".build/debug"))
    for directory in candidates {
      let url = directory.appendingPathComponent("bgmd")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return nil
  }()

  let directory = temporaryDirectory("hostile", create: true)

  /// Runs bgmd with `arguments` from the package root; standard output to
  /// `stdoutPath` when given (e.g. /dev/full), else captured.
  func bgmd(_ arguments: [String], stdoutPath: String? = nil) throws -> Run {
    let binary = try #require(Self.binary, "build the bgmd product first (swift build)")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    process.currentDirectoryURL = PackageRoot.current()
    let out = Pipe(), err = Pipe()
    if let stdoutPath {
      process.standardOutput = try #require(FileHandle(forWritingAtPath: stdoutPath))
    } else {
      process.standardOutput = out
    }
    process.standardError = err
    try process.run()
    let outData = stdoutPath == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, exited: process.terminationReason == .exit,
               stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
  }

  func file(_ name: String, _ contents: String) throws -> String {
    try file(name, Array(contents.utf8))
  }

  func file(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// A version 1.0 .npy file.
  static func npy(descr: String = "<f8", shape: String, payload: [UInt8]) -> [UInt8] {
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let h = Array(header.utf8)
    return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h + payload
  }

  static let rules = ["mean", "trimmed-mean", "coordinate-median", "krum", "geometric-median", "block-gm"]

  @Test func overflowingShapesAreErrorsNotTraps() throws {
    for shape in ["(1000000000000, 1000000000000)", "(2305843009213693953, 1)", "(4611686018427387904, 4)",
                  "(4294967297, 4294967297)"] {
      let path = try file("o.npy", Self.npy(shape: shape, payload: [UInt8](repeating: 0, count: 64)))
      let r = try bgmd(["aggregate", "--rule", "mean", "--input", path])
      #expect(r.exited && r.status == 1, "\(shape): \(r.status)")
      #expect(r.stderr.contains("header field 'shape'") && r.stderr.contains(path), "\(shape): \(r.stderr)")
    }
  }

  @Test func zeroDimensionsAreClearErrors() throws {
    let npy = try file("z.npy", Self.npy(shape: "(4, 0)", payload: []))
    let json = try file("z.json", "[[],[]]")
    for path in [npy, json] {
      let r = try bgmd(["aggregate", "--rule", "geometric-median", "--input", path, "--json"])
      #expect(r.exited && r.status == 1 && r.stderr.contains("d ≥ 1") && r.stdout.isEmpty, "\(path): \(r.stderr)")
    }
    let cases: [([String], String)] = [
      (["train", "--dimension", "0", "--iterations", "1"], "--dimension 0 is out of range"),
      (["train", "--problem", "logistic", "--batch-size", "0", "--iterations", "1"], "--batch-size 0 is out of range"),
      (["train", "--problem", "least-squares", "--batch-size", "0", "--iterations", "1"], "--batch-size 0 is out of range"),
    ]
    for (arguments, message) in cases {
      let r = try bgmd(arguments)
      #expect(r.exited && r.status == 64 && r.stderr.contains(message), "\(arguments): \(r.stderr)")
    }
  }

  @Test func subnormalRowsGiveFiniteAnswers() throws {
    let sub = try file("sub.csv", "0,0\n0,0\n1e-320,0\n")
    let text = try bgmd(["aggregate", "--rule", "geometric-median", "--input", sub])
    #expect(text.status == 0 && text.stdout == "0.0,0.0\n", "\(text.stdout) \(text.stderr)")
    let block = try bgmd(["aggregate", "--rule", "block-gm", "--k", "2", "--input", sub])
    #expect(block.status == 0 && block.stdout == "0.0,0.0\n", "\(block.stdout) \(block.stderr)")
    let one = try file("one.json", "[[8.77e-309]]")
    for rule in Self.rules where rule != "krum" {
      let r = try bgmd(["aggregate", "--rule", rule, "--input", one, "--json"])
      #expect(r.status == 0 && r.stdout.contains("\"aggregate\":[8.77e-309]"), "\(rule): \(r.stdout)")
      #expect(!r.stdout.contains("null") && !r.stdout.contains("\"nan\"") && !r.stdout.contains("inf\"") && !r.stdout.contains("\"converged\":false"), "\(rule): \(r.stdout)")
    }
  }

  @Test func nearOverflowFloat64AndFloat32GiveFiniteAnswers() throws {
    let big = try file("big.csv", "1.5e308,1.6e308\n1.4e308,-1.7e308\n1.7e308,1.0e308\n1.6e308,1.2e308\n")
    let floats: [Float] = [3e38, 3.2e38, 3.1e38, -3e38, -3e38, 3.3e38, 3.3e38, 3.1e38]
    let f4 = try file("big32.npy", Self.npy(descr: "<f4", shape: "(4, 2)", payload: littleEndianBytes(floats)))
    for path in [big, f4] {
      for rule in Self.rules {
        let r = try bgmd(["aggregate", "--rule", rule, "--input", path, "--json"])
        #expect(r.status == 0, "\(rule) \(path): \(r.stderr)")
        #expect(!r.stdout.contains("null") && !r.stdout.contains("\"nan\"") && !r.stdout.contains("inf\"") && !r.stdout.contains("nonFiniteRowsIncluded"), "\(rule) \(path): \(r.stdout)")
        #expect(!r.stdout.contains("\"converged\":false"), "\(rule) \(path): \(r.stdout)")
      }
    }
    let mean = try bgmd(["aggregate", "--rule", "mean", "--input", big])
    #expect(mean.stdout == "\(1.55e308 as Double),\(5.25e307 as Double)\n" || mean.stdout.hasPrefix("1.5499999999999999e+308,"),
            "\(mean.stdout)")
    let mean32 = try bgmd(["aggregate", "--rule", "mean", "--input", f4])
    // (3 + 3.1 − 3 + 3.3)e38 / 4 ≈ 1.6e38 and (3.2 − 3 + 3.3 + 3.1)e38 / 4 ≈ 1.65e38.
    let values = mean32.stdout.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    #expect(values.count == 2 && abs(values[0] - 1.6e38) < 1e32 && abs(values[1] - 1.65e38) < 1e32, "\(mean32.stdout)")
  }

  @Test func nonFiniteRowsPerRuleInTextAndJSON() throws {
    let path = try file("nf.csv", "1,2\nnan,0\n3,4\n5,inf\n7,8\n")
    for rule in Self.rules {
      let text = try bgmd(["aggregate", "--rule", rule, "--input", path])
      let json = try bgmd(["aggregate", "--rule", rule, "--input", path, "--json"])
      #expect(text.status == 0 && json.status == 0, "\(rule)")
      if rule == "mean" {
        #expect(text.stderr.contains("included 2 row(s) with NaN or ±∞ entries (rows 1, 3)"), "\(text.stderr)")
        #expect(json.stdout.contains("\"nonFiniteRowsIncluded\":[1,3]"), "\(json.stdout)")
      } else {
        #expect(text.stderr.contains("excluded 2 of 5 rows with NaN or ±∞ entries (rows 1, 3)"), "\(rule): \(text.stderr)")
        #expect(!text.stdout.contains("nan") && !text.stdout.contains("inf"), "\(rule): \(text.stdout)")
        #expect(json.stdout.contains("\"excludedRows\":[1,3]") && !json.stdout.contains("null") && !json.stdout.contains("\"nan\""), "\(rule): \(json.stdout)")
      }
    }
    // Three of five rows non-finite: more than a robust rule tolerates.
    let worse = try file("nf3.csv", "1,2\nnan,0\n3,4\n5,inf\n-inf,8\n")
    let r = try bgmd(["aggregate", "--rule", "geometric-median", "--input", worse])
    #expect(r.status == 1 && r.stderr.contains("3 of 5 rows are non-finite"), "\(r.stderr)")
  }

  @Test func trimmedMeanThatTrimsNothingSaysSo() throws {
    let path = try file("t.csv", "1\n2\n30\n")
    let json = try bgmd(["aggregate", "--rule", "trimmed-mean", "--input", path, "--json"])
    #expect(json.stdout.contains("\"trimmedPerSide\":0"), "\(json.stdout)")
    let text = try bgmd(["aggregate", "--rule", "trimmed-mean", "--input", path])
    #expect(text.stdout == "11.0\n" && text.stderr.contains("trims ⌊β·n⌋ = 0 values per side"), "\(text.stderr)")
    let help = try bgmd(["aggregate", "--help"])
    #expect(help.stdout.contains("b < 10 at the default β = 0.1"))
  }

  @Test func unwritableOutputsAndFixtureStoresAreErrorsNamingThePath() throws {
    let blocker = try file("blocker", "a regular file, so nothing can be created under it")
    let input = try file("m.csv", "1,2\n3,4\n")
    let output = blocker + "/out.csv"
    let aggregate = try bgmd(["aggregate", "--rule", "mean", "--input", input, "--output", output])
    #expect(aggregate.status == 1 && aggregate.stderr.contains(output), "\(aggregate.stderr)")
    let store = blocker + "/fixtures"
    let verify = try bgmd(["verify", "--profile", "quick", "--claim", "lemma5/corrupted/none/fixed",
                           "--fixtures", store, "--report", directory.appendingPathComponent("r").path])
    #expect(verify.exited && verify.status != 0, "\(verify.status)")
    #expect(verify.stderr.contains("fixture store \(store)"), "\(verify.stderr)")
    #expect(!verify.stdout.contains("bgmd verify: seed"), "the campaign must not start: \(verify.stdout)")
    // A writable --fixtures DIR: the reports link to the fixture written there.
    let elsewhere = directory.appendingPathComponent("fx").path
    let report = directory.appendingPathComponent("r2")
    let found = try bgmd(["verify", "--profile", "quick", "--claim", "lemma5/corrupted/none/fixed",
                          "--fixtures", elsewhere, "--report", report.path])
    #expect(found.status == 0, "\(found.stderr)")
    let claims = try String(contentsOf: report.appendingPathComponent("claims.json"), encoding: .utf8)
    let markdown = try String(contentsOf: report.appendingPathComponent("claims.md"), encoding: .utf8)
    #expect(claims.contains("\"\(elsewhere)/lemma5/corrupted/none/fixed/") && markdown.contains("](\(elsewhere)/lemma5/"))
  }

  @Test func stdoutWriteFailureIsAnError() throws {
    let input = try file("m.csv", "1,2\n3,4\n")
    for arguments in [["aggregate", "--rule", "mean", "--input", input],
                      ["aggregate", "--rule", "geometric-median", "--input", input, "--json"],
                      ["replay", "fixtures/counterexamples/lemma5/corrupted/none/fixed"]] {
      let r = try bgmd(arguments, stdoutPath: "/dev/full")
      #expect(r.exited && r.status == 1, "\(arguments): \(r.status)")
      #expect(r.stderr.contains("cannot write to standard output"), "\(arguments): \(r.stderr)")
    }
  }

  @Test func optionRangesAndInputPathsHaveClearMessages() throws {
    let input = try file("m.csv", "1,2\n3,4\n5,6\n")
    let cases: [([String], String)] = [
      (["--rule", "trimmed-mean", "--trim", "-0.1"], "--trim -0.1 is out of range"),
      (["--rule", "trimmed-mean", "--trim", "0.5"], "--trim 0.5 is out of range"),
      (["--rule", "block-gm", "--k", "-1"], "--k -1 is out of range"),
      (["--rule", "geometric-median", "--epsilon", "-1"], "--epsilon -1.0 is out of range"),
      (["--rule", "geometric-median", "--epsilon", "nan"], "--epsilon nan is out of range"),
      (["--rule", "krum", "--byzantine", "-2"], "--byzantine -2 is out of range"),
    ]
    for (arguments, message) in cases {
      let r = try bgmd(["aggregate", "--input", input] + arguments)
      #expect(r.status == 64 && r.stderr.contains(message) && !r.stderr.contains("Missing value"), "\(arguments): \(r.stderr)")
    }
    let folder = try bgmd(["aggregate", "--rule", "mean", "--input", directory.path])
    #expect(folder.status == 1 && folder.stderr.contains("is a directory") && !folder.stderr.contains("NSCocoaErrorDomain"))
    let missing = try bgmd(["aggregate", "--rule", "mean", "--input", directory.appendingPathComponent("no.csv").path])
    #expect(missing.status == 1 && missing.stderr.contains("no such file"), "\(missing.stderr)")
  }

  @Test func replaySaysMalformedStaleAndMissingApart() throws {
    let source = "fixtures/counterexamples/lemma5/corrupted/none/fixed/832400a1c12dd73c.json"
    let text = try String(contentsOf: PackageRoot.current().appendingPathComponent(source), encoding: .utf8)
    let stale = try file("stale.json", text.replacingOccurrences(of: "\"expect\" : \"refutes\"", with: "\"expect\" : \"holds\""))
    let malformed = try file("bad.json", text.replacingOccurrences(of: "\"observed\" : {", with: "\"observed\" : {\"q\" : \"1/0\", "))
    let missing = directory.appendingPathComponent("absent.json").path
    let r = try bgmd(["replay", stale, malformed, missing])
    #expect(r.status == 1)
    #expect(r.stdout.contains("STALE") && r.stdout.contains(stale), "\(r.stdout)")
    #expect(r.stdout.contains("MALFORMED") && r.stdout.contains("field `observed.q`"), "\(r.stdout)")
    #expect(r.stdout.contains("MISSING") && r.stdout.contains("\(missing): no such file"), "\(r.stdout)")
    #expect(!r.stdout.contains("NSCocoaErrorDomain") && !r.stdout.contains("Error Domain"))
  }
}
