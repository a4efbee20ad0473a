import BGMD
import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims
import TestSupport

/// The `bgmd` executable built beside the test bundle (`swift build` /
/// `swift test` build it in the same directory).
enum BGMDExecutable {
  static var url: URL? {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("bgmd")
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
        return candidate
      }
      dir = dir.deletingLastPathComponent()
    }
    let root = PackageRoot.fromSource()
    for build in [".build/debug/bgmd", ".build/release/bgmd"] {
      let candidate = root.appendingPathComponent(build)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}


/// One conformance check of `target` run as claim `id` through a campaign (seed 1).
private func check(_ rule: ConformanceRule, _ property: ConformanceProperty, _ target: ConformanceTarget, id: String,
                   store: FixtureStore?) -> ClaimRecord {
  let spec = ClaimSpec(id: id) { ctx in try ConformanceClaims.check(rule, property, target: target, ctx) }
  let report = Campaign(seed: 1, profile: .quick, threads: 2, fixtures: store).run([spec])
  return report.claims[0]
}


@Suite struct ConformanceAdapterTests {
  /// Our own rule behind the adapter satisfies every conformance claim, and
  /// every claim's planted-fault controls come out refuted (so `holds`, not
  /// `vacuous`). The one exception allowed is an inconclusive bad-input
  /// check caused by OUR implementation (logged under ourImplementationErrors).
  @Test(arguments: ConformanceRule.names)
  func correctAdapterPassesWithFullPower(_ name: String) throws {
    let rule = try ConformanceRule(name: name)
    let claims = ConformanceClaims.claims(rule, target: ConformanceFault.correct.target(rule))
    let report = Campaign(seed: 1, profile: .quick, threads: 2).run(claims)
    #expect(report.claims.count == ConformanceProperty.applicable(to: rule).count)
    for record in report.claims {
      if record.verdict == .inconclusive, case .object(let u)? = record.evidence["universal"],
        let errors = u["ourImplementationErrors"] {
        print("conformance: \(record.id) inconclusive because of our implementation: \(errors)")
        continue
      }
      #expect(record.verdict == .holds, "\(record.id): \(record.verdict) \(record.vacuity ?? "") \(record.counterexample?.summary ?? "")")
      #expect(record.power?.isComplete == true, "\(record.id): \(record.power?.line ?? "no power")")
    }
  }

  /// Every planted fault that serves as a control is found by its property
  /// with the fixture store on, shrunk, stored, and the stored fixture
  /// replays: it still refutes against the faulty adapter and does not
  /// against the correct one.
  @Test(arguments: ConformanceRule.names)
  func everyPlantedFaultIsFoundShrunkAndStored(_ name: String) throws {
    let rule = try ConformanceRule(name: name)
    let root = temporaryDirectory("faults-\(name)")
    defer { try? FileManager.default.removeItem(at: root) }
    let store = FixtureStore(root: root, names: ClaimRegistry.names)
    for property in ConformanceProperty.applicable(to: rule) {
      for fault in ConformanceClaims.controls(rule, property) {
        let id = ConformanceClaims.id(rule, property) + "-" + fault.rawValue
        let record = check(rule, property, fault.target(rule), id: id, store: store)
        #expect(record.verdict == .refuted, "\(fault.rawValue) not found by \(property.rawValue): \(record.verdict)")
        let reference = try #require(record.counterexample, "\(id): no counterexample")
        #expect(reference.fixture.hasPrefix("fixtures/conformance/\(rule.name)/\(property.rawValue)"))
        let stored = try store.load(claim: ConformanceClaims.id(rule, property))
        let fixture = try #require(stored.first { $0.url.lastPathComponent == URL(fileURLWithPath: reference.fixture).lastPathComponent })
        #expect(try ConformanceFixtures.replay(fixture.fixture, target: fault.target(rule)), "\(id): fixture does not replay")
        #expect(try !ConformanceFixtures.replay(fixture.fixture, target: ConformanceFault.correct.target(rule)),
                "\(id): the fixture also refutes our own rule")
        if property != .breakdown {
          let input = try FixtureReplay.decode(ConformanceFixtureInput.self, from: fixture.fixture.input)
          let m = try #require(input.case?.matrix)
          // Shrunk: fewer choices than the failing case first found (most faults shrink to 1–3 rows of 1 column).
          guard case .number(let before)? = fixture.fixture.observed["originalChoices"],
            case .number(let after)? = fixture.fixture.observed["shrunkChoices"] else {
            Issue.record("\(id): the fixture does not record the shrink")
            continue
          }
          #expect(after <= before, "\(id): not shrunk")
          #expect(fixture.fixture.choices != nil, "\(id): no choice sequence stored")
          print("conformance fault \(fault.rawValue) on \(property.rawValue) of \(rule.name): shrunk to \(m.brief)")
        }
      }
    }
  }

  /// A program that fails once and then never again (a flake) is not
  /// passed: the claim is inconclusive with the failure under `flaky`.
  @Test func aFailureThatDoesNotReproduceIsInconclusive() throws {
    let rule = try ConformanceRule(name: "mean")
    let calls = AtomicCounter()
    let correct = ConformanceFault.correct.target(rule)
    let flaky = ConformanceTarget(name: "flaky") { m in
      calls.next() == 1 ? .failure("crash: exit status 1", seconds: 0) : correct.call(m)
    }
    let spec = ClaimSpec(id: "flaky") { ctx in
      var c = ctx
      c.threads = 1
      return try ConformanceClaims.check(rule, .agreement, target: flaky, c)
    }
    let record = Campaign(seed: 1, profile: .quick, threads: 1).run([spec]).claims[0]
    #expect(record.verdict == .inconclusive)
    guard case .object(let u)? = record.evidence["universal"], case .string(let text)? = u["flaky"] else {
      Issue.record("no flaky evidence: \(record.evidence)")
      return
    }
    #expect(text.contains("did not fail again"))
  }

  /// The named faults of the issue are found by agreement: a geometric
  /// median from three smoothed iterations, a median taking the lower middle.
  @Test func namedFaultsAreFoundAndShrunkToMinimalInputs() throws {
    let median = try ConformanceRule(name: "coordinate-median")
    let r1 = check(median, .agreement, ConformanceFault.lowerMiddleMedian.target(median), id: "a", store: nil)
    #expect(r1.verdict == .refuted)
    // The smallest input on which lower-middle differs: two rows, one column.
    #expect(r1.evidence["universal"]?["shrunk"]?["rows"] == .number(2))
    #expect(r1.evidence["universal"]?["shrunk"]?["columns"] == .number(1))
    let gm = try ConformanceRule(name: "geometric-median")
    let r2 = check(gm, .agreement, ConformanceFault.threeSmoothedIterations.target(gm), id: "b", store: nil)
    #expect(r2.verdict == .refuted)
  }
}

@Suite struct ConformanceExecTests {
  func adapter(_ rule: String, _ fault: String = "correct") throws -> String {
    let bgmd = try #require(BGMDExecutable.url, "the bgmd executable is not built next to the tests")
    return "\(ExternalProcess.shellQuoted(bgmd.path)) conformance-adapter --rule \(rule) --fault \(fault) {input} {output}"
  }

  /// Through the exec protocol (npy files, a child process): our rule
  /// agrees with itself; the lower-middle median is refuted and shrunk.
  @Test func execProtocolFindsThePlantedFaultAndPassesTheCorrectAdapter() throws {
    let rule = try ConformanceRule(name: "coordinate-median")
    let good = try ConformanceTarget.exec(try adapter("coordinate-median"), timeout: 30)
    let r1 = check(rule, .agreement, good, id: "x", store: nil)
    // The body found no counterexample; run without controls, that is reported vacuous.
    #expect(r1.verdict == .vacuous, "\(r1.counterexample?.summary ?? "")")
    let bad = try ConformanceTarget.exec(try adapter("coordinate-median", "lower-middle-median"), timeout: 30)
    let root = temporaryDirectory("exec")
    defer { try? FileManager.default.removeItem(at: root) }
    let r2 = check(rule, .agreement, bad, id: "conformance/coordinate-median/agreement", store: FixtureStore(root: root, names: ClaimRegistry.names))
    #expect(r2.verdict == .refuted)
    let stored = try FixtureStore(root: root, names: ClaimRegistry.names).load(claim: "conformance/coordinate-median/agreement")
    #expect(stored.count == 1)
    for s in stored {
      #expect(try ConformanceFixtures.replay(s.fixture, target: bad))
      #expect(try !ConformanceFixtures.replay(s.fixture, target: good))
    }
  }

  /// A crash, a hang (killed at the time limit), a misshapen and a
  /// non-finite output are failures of the call, with what happened.
  @Test func processFailuresAreReportedNotFatal() throws {
    let m = ConformanceMatrix(precision: .float32, rows: [[1, 2], [3, 4], [5, 7]])
    let cases: [(String, String, Double)] = [
      ("crash", "crash: exit status 3", 30), ("hang", "hang:", 1), ("wrong-shape", "wrong shape", 30),
    ]
    for (fault, expected, timeout) in cases {
      let target = try ConformanceTarget.exec(try adapter("mean", fault), timeout: timeout)
      let t0 = Date()
      let outcome = target.call(m)
      guard case let .failure(message, _) = outcome else {
        Issue.record("\(fault): expected a failure, got \(outcome)")
        continue
      }
      #expect(message.hasPrefix(expected), "\(fault): \(message)")
      if fault == "hang" { #expect(Date().timeIntervalSince(t0) < 10, "the hang was not killed at the limit") }
    }
    let nan = try ConformanceTarget.exec(try adapter("mean", "non-finite-output"), timeout: 30)
    let checks = ConformanceChecks(rule: try ConformanceRule(name: "mean"), target: nan)
    guard case let .fail(message) = checks.check(.agreement, ConformanceCase(matrix: m)) else {
      Issue.record("non-finite output was accepted")
      return
    }
    #expect(message.hasPrefix("non-finite output"))
    let missing = try ConformanceTarget.exec("true {input} {output}", timeout: 5)
    guard case let .failure(why, _) = missing.call(m) else {
      Issue.record("a program that writes nothing was accepted")
      return
    }
    #expect(why.hasPrefix("no output"))
    #expect(throws: ConformanceError.self) { try ConformanceTarget.exec("python3 x.py", timeout: 1) }
  }

  /// The npy written for the program reads back as the same matrix (both dtypes).
  @Test func npyInputRoundTrips() throws {
    for p in [ConformancePrecision.float32, .float64] {
      let m = ConformanceMatrix(precision: p, rows: [[1.5, -2, 1e-3], [0, 3.25, 7]])
      let data = try BGMD_NPY.read(m.npy)
      #expect(data == m.rows.flatMap { $0 })
    }
  }
}

enum BGMD_NPY {
  static func read(_ bytes: [UInt8]) throws -> [Double] {
    switch try NPYFormat.read(bytes, file: "test.npy") {
    case let .float32(m): return m.storage.map { Double($0) }
    case let .float64(m): return m.storage
    }
  }
}

@Suite struct ConformanceCommandTests {
  /// `bgmd conformance` end to end: the report files, the shrunk fixture,
  /// and `bgmd replay --exec` against the faulty and the correct adapter.
  @Test func commandWritesReportsAndFixturesThatReplay() throws {
    let bgmd = try #require(BGMDExecutable.url, "the bgmd executable is not built next to the tests")
    let dir = temporaryDirectory("conformance-cli", create: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let quoted = ExternalProcess.shellQuoted(bgmd.path)
    let faulty = "\(quoted) conformance-adapter --rule coordinate-median --fault lower-middle-median {input} {output}"
    let correct = "\(quoted) conformance-adapter --rule coordinate-median {input} {output}"
    let (status, stdout, stderr) = try ShardedProcessTests.run(
      ["conformance", "--exec", faulty, "--rule", "coordinate-median", "--claim", "agreement", "--report", "out"], in: dir)
    #expect(status == 0, "\(stdout)\(stderr)")
    #expect(stdout.contains("refuted      conformance/coordinate-median/agreement"), "\(stdout)")
    #expect(stderr.contains("[1/1] conformance/coordinate-median/agreement start"))
    for name in ["claims.json", "claims.md", "claims.html"] {
      #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/\(name)").path), "\(name) missing")
    }
    let report = try ClaimCheckJSON.decoder().decode(ClaimReport.self, from: Data(contentsOf: dir.appendingPathComponent("out/claims.json")))
    let reference = try #require(report.claims.first?.counterexample)
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/" + reference.fixture).path))
    let (ok, okOut, _) = try ShardedProcessTests.run(["replay", "--exec", faulty, "out/fixtures"], in: dir)
    #expect(ok == 0, "\(okOut)")
    let (stale, staleOut, _) = try ShardedProcessTests.run(["replay", "--exec", correct, "out/fixtures"], in: dir)
    #expect(stale == 1, "\(staleOut)")
    let (plain, plainOut, _) = try ShardedProcessTests.run(["replay", "out/fixtures"], in: dir)
    #expect(plain == 1 && plainOut.contains("--exec"), "\(plainOut)")
  }
}
