import Foundation
import Testing
@testable import BGMDExperiments
import TestSupport

/// The paper's Table 3 data file and the report that puts it beside ours.
@Suite struct PaperTableTests {
  static let file = packageRoot.appendingPathComponent("Proofs/experiments/paper-table3.json").path

  @Test func thePaperTableHoldsTheRowsAsPrinted() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.file))
    let table = try CheckpointFile.decoder().decode(PaperTable.self, from: data)
    #expect(table.rows.map(\.setting) == ["clean", "bit-flip-20", "bit-flip-40", "additive-20", "additive-40"])
    // The paper's Table 3, row Bit Flip 40: SGD 9.60 ± 2.04, CMD 93.69 ± 0.09, BGMD 97.89 ± 0.05, GMD 98.11 ± 0.12.
    let bitFlip40 = try #require(table.rows.first { $0.setting == "bit-flip-40" })
    #expect(bitFlip40.line == 305)
    #expect(bitFlip40.value("bgmd")?.mean == 97.89 && bitFlip40.value("gmd")?.interval == 0.12)
    #expect(table.rows.first { $0.setting == "additive-40" }?.value("gmd")?.mean == 92.78)
  }

  @Test func theReportShowsThePaperBesideOursAndTheRobustColumns() throws {
    let dir = temporaryDirectory("paper-table", create: true).path
    try FileManager.default.copyItem(atPath: Self.file, toPath: (dir as NSString).appendingPathComponent("paper-table3.json"))
    let cells = ["gmd", "bgmd", "bgmd/filtered-mean"].map { method in
      CellResult(experiment: "table3", configuration: "A", setting: "bit-flip-40", method: method, seed: 1,
                 accuracy: method == "bgmd" ? 0.1 : 0.85, loss: 1, seconds: 1, iterations: 1, diverged: false,
                 meanRetainedFraction: 1)
    }
    let summary = Table3Summary(cells: cells, settings: ["bit-flip-40"], methods: ["gmd", "bgmd", "bgmd/filtered-mean"])
    try summary.json().write(toFile: (dir as NSString).appendingPathComponent("table3.json"), atomically: true, encoding: .utf8)
    let text = try ResultsReport(directory: dir).markdown()
    #expect(text.contains("| bit-flip-40 (305) | 9.60 ± 2.04 | 93.69 ± 0.09 | 97.89 ± 0.05 | 98.11 ± 0.12 |"))
    #expect(text.contains("ours: bgmd/filtered-mean"))
    #expect(text.contains("| bit-flip-40 | 9.60 | 98.11 | 97.89 | – | 85.0 ± 0.0 | 10.0 ± 0.0 | 85.0 ± 0.0 |"))
  }
}
