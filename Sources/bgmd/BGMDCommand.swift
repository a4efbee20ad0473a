import ArgumentParser
import BGMDClaims

@main
struct BGMDCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bgmd",
    abstract: "Block Coordinate Geometric Median Descent: reference implementation and claim verification.",
    subcommands: [
      Verify.self,
      Aggregate.self,
      Bench.self,
      Train.self,
      StressExact.self,
      Experiment.self,
    ]
  )
}

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check the paper's claims and write a claim report."
  )

  func run() throws {
    let registered = ClaimRegistry.all
    if registered.isEmpty {
      print("bgmd verify: no claims are registered yet; nothing was checked and no report was written.")
      return
    }
  }
}
