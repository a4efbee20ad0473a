import ArgumentParser
import BGMDClaims
import ClaimCheck
import Foundation

/// `bgmd report`: operations on claim reports.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Operations on claim reports.",
    subcommands: [Merge.self]
  )

  /// `bgmd report merge`: joins shard reports.
  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Join shard reports (claims.json of `bgmd verify --shard I/N`) into one report.",
      discussion: """
        The merged report is what one run would have written: the union of the claims, sorted by id; \
        run.shard is 1/1 when the inputs are exactly shards 1…N of N (else the shards joined by +); \
        run.seconds is the largest of the inputs (the wall time of shards run side by side); partial if \
        any input is. Seeds, profiles and schemas must agree and no claim may appear twice.
        """
    )

    @Argument(help: "The shard reports (claims.json files).")
    var inputs: [String]
    @Option(help: "Directory of the merged report files.")
    var report: String = "reports"

    func run() throws {
      guard !inputs.isEmpty else { throw ValidationError("give at least one claims.json") }
      let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
      let reports = try inputs.map { path -> ClaimReport in
        let url = URL(fileURLWithPath: path, relativeTo: cwd)
        do {
          return try ClaimCheckJSON.decoder().decode(ClaimReport.self, from: Data(contentsOf: url))
        } catch {
          throw ValidationError("\(url.path): not a claim report (\(error))")
        }
      }
      let merged = try ClaimReport.merge(reports)
      let directory = URL(fileURLWithPath: report, relativeTo: cwd).standardizedFileURL
      try ReportWriter.write(merged, to: directory, repositoryRoot: PackageRoot.current())
      try Output.line("bgmd report merge: \(merged.claims.count) claims from \(reports.count) reports, shard \(merged.run.shard); "
        + "\(ReportText.tally(merged.claims)); report in \(directory.path)")
    }
  }
}
