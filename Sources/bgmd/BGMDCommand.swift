import ArgumentParser
import BGMDClaims

@main
struct BGMDCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bgmd",
    abstract: "Block Coordinate Geometric Median Descent: reference implementation and claim verification.",
    subcommands: [
      Verify.self,
      Replay.self,
      Report.self,
      Train.self,
      Aggregate.self,
      Bench.self,
      StressExact.self,
      Experiment.self,
      Conformance.self,
      ConformanceAdapter.self,
    ]
  )
}
