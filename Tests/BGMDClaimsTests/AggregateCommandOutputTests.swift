import ClaimCheck
import Foundation
import Testing

/// `bgmd aggregate` and `bgmd train` JSON output (Codable through
/// `ClaimCheckJSON`: one line, sorted keys), and the aggregate command's
/// path giving the same numbers in text mode, `--json` and `--output`.
@Suite struct AggregateCommandOutputTests {
  let runner = HostileCommandLineTests()

  static func decode(_ text: String) throws -> [String: JSONValue] {
    let value = try ClaimCheckJSON.decoder().decode(JSONValue.self, from: Data(text.utf8))
    guard case let .object(fields) = value else { throw CocoaError(.coderReadCorrupt) }
    return fields
  }

  /// The keys of a one-line JSON object in the order they are printed.
  static func printedKeys(_ line: String, _ keys: some Collection<String>) -> [String] {
    keys.compactMap { key in line.range(of: "\"\(key)\":").map { (key, $0.lowerBound) } }
      .sorted { $0.1 < $1.1 }.map(\.0)
  }

  @Test func aggregateJSONHasItsFieldsSortedOnOneLine() throws {
    let floats: [Float] = (0..<40).map { Float($0 % 7) - 2.5 + Float($0) * 0.01 }
    let path = try runner.file("m.npy", HostileCommandLineTests.npy(
      descr: "<f4", shape: "(5, 8)", payload: floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }))
    for rule in HostileCommandLineTests.rules {
      let extra = rule == "block-gm" ? ["--k", "3"] : []
      let r = try runner.bgmd(["aggregate", "--rule", rule, "--input", path, "--json"] + extra)
      #expect(r.status == 0, "\(rule): \(r.stderr)")
      #expect(r.stdout.hasSuffix("}\n") && r.stdout.filter { $0 == "\n" }.count == 1, "\(rule): \(r.stdout)")
      let fields = try Self.decode(r.stdout)
      var expected: Set<String> = ["rule", "b", "d", "aggregate", "excludedRows", "seconds"]
      if rule == "geometric-median" || rule == "block-gm" { expected.insert("certificate") }
      if rule == "block-gm" { expected.insert("blockSize") }
      if rule == "trimmed-mean" { expected.insert("trimmedPerSide") }
      #expect(Set(fields.keys) == expected, "\(rule): \(fields.keys.sorted())")
      #expect(Self.printedKeys(r.stdout, expected) == expected.sorted(), "\(rule): \(r.stdout)")
      #expect(fields["rule"] == .string(rule) && fields["b"] == .number(5) && fields["d"] == .number(8))
      if case let .object(c)? = fields["certificate"] {
        #expect(Set(c.keys) == ["objective", "lowerBound", "epsilon", "iterations", "converged"], "\(c.keys)")
      }
      if rule == "block-gm" { #expect(fields["blockSize"] == .number(3)) }

      // The same numbers in text mode, in --json and in the --output file.
      let text = try runner.bgmd(["aggregate", "--rule", rule, "--input", path] + extra)
      let printed = text.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        .compactMap { Float($0) }
      guard case let .array(values)? = fields["aggregate"] else {
        Issue.record("\(rule): no aggregate array")
        continue
      }
      let fromJSON = values.compactMap { v -> Float? in if case let .number(x) = v { return Float(x) } else { return nil } }
      #expect(printed.map(\.bitPattern) == fromJSON.map(\.bitPattern), "\(rule)")
      let output = runner.directory.appendingPathComponent("\(rule).npy").path
      let written = try runner.bgmd(["aggregate", "--rule", rule, "--input", path, "--output", output] + extra)
      #expect(written.status == 0 && written.stdout.isEmpty, "\(rule): \(written.stderr)")
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
      let data = Array(bytes.suffix(4 * 8))
      let fromFile = (0..<8).map { t in
        Float(bitPattern: UInt32(data[4 * t]) | UInt32(data[4 * t + 1]) << 8 | UInt32(data[4 * t + 2]) << 16
          | UInt32(data[4 * t + 3]) << 24)
      }
      #expect(fromFile.map(\.bitPattern) == printed.map(\.bitPattern), "\(rule)")
    }
  }

  @Test func trainJSONHasItsFieldsSorted() throws {
    let out = runner.directory.appendingPathComponent("curve.json").path
    let r = try runner.bgmd(["train", "--problem", "quadratic", "--method", "gmd", "--iterations", "3", "--out", out])
    #expect(r.status == 0, "\(r.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    let fields = try Self.decode(text)
    let expected = ["corruption", "curve", "dimension", "iterations", "meanRetainedFraction", "method", "problem",
                    "schedule", "seed", "workers"]
    #expect(fields.keys.sorted() == expected)
    #expect(Self.printedKeys(text, expected) == expected, "\(text.prefix(300))")
    #expect(fields["corruption"] == .null && fields["problem"] == .string("quadratic"))
    guard case let .array(curve)? = fields["curve"], case let .object(point)? = curve.first else {
      Issue.record("no curve: \(text.prefix(300))")
      return
    }
    #expect(point.keys.sorted() == ["accuracy", "iteration", "loss", "seconds", "squaredDistance"])
  }
}
