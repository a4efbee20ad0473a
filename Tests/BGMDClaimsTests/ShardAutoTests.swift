import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims
import TestSupport

@Suite struct ShardEnvironmentTests {
  @Test func eachEngineGivesItsShard() throws {
    #expect(try ShardEnvironment.shard(environment: ["JOB_COMPLETION_INDEX": "0"], count: 3) == Shard(index: 1, count: 3))
    #expect(try ShardEnvironment.shard(environment: ["JOB_COMPLETION_INDEX": "2", "BGMD_SHARD_COUNT": "3"]) == Shard(index: 3, count: 3))
    #expect(try ShardEnvironment.shard(environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"]) == Shard(index: 2, count: 4))
    #expect(try ShardEnvironment.shard(environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "4",
                                                     "SLURM_ARRAY_TASK_COUNT": "4"]) == Shard(index: 2, count: 4))
    #expect(try ShardEnvironment.shard(environment: ["CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "4"]) == Shard(index: 4, count: 4))
    #expect(try ShardEnvironment.parse("2/5", environment: [:]) == Shard(index: 2, count: 5))
  }

  @Test func missingOrMalformedVariablesAreClearErrors() {
    func message(_ env: [String: String]) -> String {
      do { _ = try ShardEnvironment.shard(environment: env); return "" } catch { return "\(error)" }
    }
    #expect(message([:]).contains("JOB_COMPLETION_INDEX"))
    #expect(message([:]).contains("SLURM_ARRAY_TASK_ID"))
    #expect(message([:]).contains("CI_NODE_INDEX"))
    #expect(message(["JOB_COMPLETION_INDEX": "1"]).contains("--shard-count"))
    #expect(message(["SLURM_ARRAY_TASK_ID": "1"]).contains("SLURM_ARRAY_TASK_COUNT"))
    #expect(message(["CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "2"]).contains("not an integer"))
    #expect(message(["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "2"]).contains("between 1 and N"))
  }
}

@Suite struct ShardedProcessTests {
  static let claims = ["breakdown/aggregate/mean", "breakdown/aggregate/krum", "breakdown/aggregate/coordinate-median",
                       "breakdown/aggregate/trimmed-mean", "breakdown/aggregate/geometric-median"]

  /// Runs `bgmd` with `arguments` and extra environment; returns (status, stdout, stderr).
  static func run(_ arguments: [String], environment extra: [String: String] = [:], in directory: URL) throws
    -> (Int32, String, String) {
    let bgmd = try #require(BGMDExecutable.url, "the bgmd executable is not built next to the tests")
    let process = Process()
    process.executableURL = bgmd
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for key in ["JOB_COMPLETION_INDEX", "BGMD_SHARD_COUNT", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
                "SLURM_ARRAY_TASK_MIN", "CI_NODE_INDEX", "CI_NODE_TOTAL", "BGMD_PROFILE", "BGMD_SEED"] { env[key] = nil }
    for (k, v) in extra { env[k] = v }
    process.environment = env
    process.currentDirectoryURL = directory
    let out = directory.appendingPathComponent("stdout-\(UUIDless.next()).txt")
    let err = directory.appendingPathComponent("stderr-\(UUIDless.next()).txt")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? "")
  }

  /// claims.json without wall times (`seconds` keys), as a JSON value.
  static func withoutSeconds(_ url: URL) throws -> Data {
    func strip(_ v: JSONValue) -> JSONValue {
      switch v {
      case .object(let o):
        var r: [String: JSONValue] = [:]
        for (k, x) in o where k != "seconds" { r[k] = strip(x) }
        return .object(r)
      case .array(let a): return .array(a.map(strip))
      default: return v
      }
    }
    // Compared as canonical (sorted-key) text: NaN evidence values are not equal to themselves as doubles.
    return try ClaimCheckJSON.encoder(pretty: false).encode(strip(try ClaimCheckJSON.decoder().decode(JSONValue.self, from: Data(contentsOf: url))))
  }

  /// N local processes with each engine's variables, merged with
  /// `bgmd report merge`, give the unsharded claims.json (ignoring seconds);
  /// progress reaches a redirected stderr, stdout keeps only the results.
  @Test func shardAutoForEachEngineMergesToTheUnshardedReport() throws {
    let dir = temporaryDirectory("shard-auto", create: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let common = ["verify", "--profile", "quick", "--seed", "3", "--jobs", "1", "--fixtures", dir.appendingPathComponent("fx").path,
                  "--claim"] + Self.claims
    let (status, stdout, stderr) = try Self.run(common + ["--report", "whole"], in: dir)
    #expect(status == 0, "\(stdout)\(stderr)")
    #expect(stderr.contains("[1/\(Self.claims.count)] breakdown/aggregate/coordinate-median start"), "progress: \(stderr)")
    #expect(!stdout.contains(" start\n"), "progress leaked to stdout")
    let whole = try Self.withoutSeconds(dir.appendingPathComponent("whole/claims.json"))
    let n = 3
    let engines: [(String, (Int) -> [String: String], [String])] = [
      ("kubernetes", { ["JOB_COMPLETION_INDEX": "\($0)"] }, ["--shard-count", "\(n)"]),
      ("slurm", { ["SLURM_ARRAY_TASK_ID": "\($0 + 1)", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "\(n)"] }, []),
      ("gitlab", { ["CI_NODE_INDEX": "\($0 + 1)", "CI_NODE_TOTAL": "\(n)"] }, []),
    ]
    for (engine, variables, extra) in engines {
      var reports: [String] = []
      for k in 0..<n {
        let name = "\(engine)-\(k)"
        let (s, o, e) = try Self.run(common + ["--shard", "auto", "--report", name] + extra, environment: variables(k), in: dir)
        #expect(s == 0, "\(engine) shard \(k): \(o)\(e)")
        #expect(o.contains("shard \(k + 1)/\(n)"), "\(engine) shard \(k): \(o)")
        reports.append("\(name)/claims.json")
      }
      let (s, o, e) = try Self.run(["report", "merge"] + reports + ["--report", "\(engine)-merged"], in: dir)
      #expect(s == 0, "\(o)\(e)")
      let merged = try Self.withoutSeconds(dir.appendingPathComponent("\(engine)-merged/claims.json"))
      #expect(merged == whole, "\(engine): the merged report differs from the unsharded one")
    }
    let (s, _, e) = try Self.run(common + ["--shard", "auto", "--report", "none"], in: dir)
    #expect(s != 0)
    #expect(e.contains("JOB_COMPLETION_INDEX") && e.contains("SLURM_ARRAY_TASK_ID") && e.contains("CI_NODE_INDEX"), "\(e)")
  }
}

@Suite struct ProgressTests {
  /// The case counter reports done of planned with elapsed and remaining
  /// time, and is throttled.
  @Test func caseCounterReportsAndThrottles() {
    final class Box: @unchecked Sendable {
      var events: [ProgressEvent] = []
      let lock = NSLock()
    }
    let box = Box()
    let counter = ProgressReporter.caseCounter(claim: "x", position: 2, total: 5, interval: 0) { e in
      box.lock.lock(); box.events.append(e); box.lock.unlock()
    }
    counter(10, 40)
    #expect(box.events.count == 1)
    #expect(box.events.first?.phase == "progress")
    #expect(box.events.first?.detail?.hasPrefix("10 of 40 cases,") == true)
    #expect(box.events.first?.detail?.contains("remaining") == true)
    let slow = ProgressReporter.caseCounter(claim: "x", position: 1, total: 1, interval: 3_600) { e in
      box.lock.lock(); box.events.append(e); box.lock.unlock()
    }
    for i in 1...100 { slow(i, 100) }
    #expect(box.events.count == 1, "a counter with a one-hour interval reported within it")
  }
}

/// Distinct file names without random draws.
enum UUIDless {
  static let counter = AtomicCounter()
  static func next() -> Int { counter.next() }
}
