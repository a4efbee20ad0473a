import Foundation
import Testing
import TestSupport

/// Every mutant in `mutants/*.patch` (README, "Mutation score") still
/// applies to the tree as it is: `git apply --check` from the package root.
/// When code moves (a file split or renamed, a line rewritten), a patch
/// whose context is gone can no longer be scored by `scripts/mutation-score`
/// (it would be reported under `errors`); this test names it at once.
@Suite struct MutantPatchTests {
  static var folder: URL { packageRoot.appendingPathComponent("mutants") }

  /// The patches, sorted by name.
  static func patches() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "patch" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  /// `git` on PATH, or nil.
  static func gitExecutable() -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for folder in path.split(separator: ":") where !folder.isEmpty {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("git")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }

  /// Runs git with `arguments` in the package root: exit status and the
  /// output (stdout and stderr together).
  static func git(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test func everyMutantPatchApplies() throws {
    let patches = try Self.patches()
    #expect(!patches.isEmpty, "no mutants/*.patch under \(Self.folder.path)")
    guard let git = Self.gitExecutable() else {
      Issue.record("git is not on PATH: cannot check that the \(patches.count) mutants/*.patch apply")
      return
    }
    // The root must be the top of a git checkout: `git apply` takes the
    // patches' paths (Sources/…) relative to it.
    let top = try Self.git(git, ["rev-parse", "--show-toplevel"])
    let topPath = top.output.trimmingCharacters(in: .whitespacesAndNewlines)
    guard top.status == 0,
      URL(fileURLWithPath: topPath).resolvingSymlinksInPath().path == packageRoot.resolvingSymlinksInPath().path
    else {
      Issue.record(
        "\(packageRoot.path) is not the top of a git checkout (git rev-parse --show-toplevel: exit \(top.status), \(top.output.trimmingCharacters(in: .whitespacesAndNewlines))): cannot check that mutants/*.patch apply")
      return
    }
    var failing: [String] = []
    for patch in patches {
      let check = try Self.git(git, ["apply", "--check", "mutants/\(patch.lastPathComponent)"])
      if check.status != 0 {
        failing.append(patch.lastPathComponent)
        Issue.record(
          "mutants/\(patch.lastPathComponent) does not apply (git apply --check exit \(check.status)): \(check.output.trimmingCharacters(in: .whitespacesAndNewlines))")
      }
    }
    #expect(failing.isEmpty, "\(failing.count) of \(patches.count) mutants do not apply: \(failing.joined(separator: ", "))")
  }

  /// The header `scripts/mutation-score` reads: `# Mutant:` (the file's
  /// name), `# Description:`, `# Category:` and `# Tests:` (at least one
  /// suite), before the first `diff`.
  @Test func everyMutantPatchHasItsHeader() throws {
    for patch in try Self.patches() {
      let name = patch.deletingPathExtension().lastPathComponent
      let text = try String(contentsOf: patch, encoding: .utf8)
      var header: [String: String] = [:]
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("diff ") || line.hasPrefix("--- ") { break }
        guard line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
        let key = line[line.index(after: line.startIndex)..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        header[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      #expect(header["mutant"] == name, "mutants/\(name).patch: # Mutant: is \(header["mutant"] ?? "missing")")
      for key in ["description", "category", "tests"] {
        #expect(!(header[key] ?? "").isEmpty, "mutants/\(name).patch: no # \(key.capitalized): line")
      }
      #expect(text.contains("\n+++ b/Sources/"), "mutants/\(name).patch: patches no file under Sources/")
    }
  }
}
