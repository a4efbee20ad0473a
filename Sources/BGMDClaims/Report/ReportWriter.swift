import ClaimCheck
import Foundation

/// Writes a run's three report files into one directory:
/// `claims.json` (`ClaimReport.encoded()`), `claims.md` and `claims.html`.
public enum ReportWriter {
  /// The file names, in the order written.
  public static let fileNames = ["claims.json", "claims.md", "claims.html"]

  /// Writes the three files into `directory` (created if needed), each
  /// atomically; returns their URLs.
  /// - Parameters:
  ///   - repositoryRoot: the root that fixture paths are relative to; links
  ///     in the Markdown and HTML are made relative to `directory`.
  @discardableResult
  public static func write(_ report: ClaimReport, to directory: URL, repositoryRoot: URL,
                           preamble: [String] = []) throws -> [URL] {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let prefix = relativePrefix(from: directory, to: repositoryRoot)
    let files: [(String, Data)] = [
      ("claims.json", try report.encoded()),
      ("claims.md", Data(MarkdownReport.render(report, fixtureLinkPrefix: prefix, preamble: preamble).utf8)),
      ("claims.html", Data(HTMLReport.render(report, fixtureLinkPrefix: prefix, preamble: preamble).utf8)),
    ]
    return try files.map { name, data in
      let url = directory.appendingPathComponent(name)
      try data.write(to: url, options: .atomic)
      return url
    }
  }

  /// A link to a fixture: `path` after the report's prefix, or `path` itself
  /// when absolute (a `--fixtures` directory outside the repository).
  public static func href(_ prefix: String, _ path: String) -> String {
    path.hasPrefix("/") ? path : prefix + path
  }

  /// The relative path from directory `from` to directory `to` ("" when
  /// equal, "../" per level up), or `to`'s absolute path plus "/" when they
  /// share no prefix.
  public static func relativePrefix(from: URL, to: URL) -> String {
    let a = from.standardizedFileURL.resolvingSymlinksInPath().pathComponents
    let b = to.standardizedFileURL.resolvingSymlinksInPath().pathComponents
    var common = 0
    while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
    guard common > 1 || (common == 1 && a.count == 1) else { return to.standardizedFileURL.path + "/" }
    let up = Array(repeating: "..", count: a.count - common)
    let down = Array(b[common...])
    let parts = up + down
    return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
  }
}

/// Where the package's files are: the directory holding `Package.swift`.
public enum PackageRoot {
  /// The nearest ancestor of `start` (inclusive) holding `Package.swift`, or nil.
  public static func find(from start: URL) -> URL? {
    var dir = start.standardizedFileURL
    while true {
      if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path { return nil }
      dir = parent
    }
  }

  /// The package root found from the current directory, else from this
  /// source file's location (a development build), else the current directory.
  public static func current(filePath: String = #filePath) -> URL {
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    return find(from: cwd) ?? find(from: URL(fileURLWithPath: filePath).deletingLastPathComponent()) ?? cwd
  }

  /// The package root from this source file's location (for data files the
  /// claims read, e.g. `fixtures/data/mnist_5k.csv`), else `current()`.
  public static func fromSource(filePath: String = #filePath) -> URL {
    find(from: URL(fileURLWithPath: filePath).deletingLastPathComponent()) ?? current()
  }
}
