import BGMD
import ClaimCheck
import Foundation
import Randomness

/// `lemma1/xi-in-practice`: ξ = ‖C_k(G)‖²_F / ‖G‖²_F measured on real
/// training gradients (the paper: "ξ ≈ 1 in practice").
///
/// Setting: MNIST (`fixtures/data/mnist_5k.csv`, every `stride`-th sample),
/// b = 8 workers, mini-batches of 16 from the shared pool, plain SGD
/// (x ← x − γ·mean of the rows, γ = 0.5 for logistic regression, 0.05 for the
/// MLP) for T iterations. At 5 checkpoints (t = 0, T/4, …, T) the b × d matrix
/// G of the workers' gradients is taken and ξ is measured for each reading
/// and each k/d: the exact value for `top-k`, the mean over `draws` blocks
/// for the random readings. Problems: binary logistic regression (digit ≥ 5,
/// d = 784) at every profile; a 784–32–10 MLP (d = 25,450) at standard and deep.
///
/// This is an observation, not a verdict: the paper gives no threshold for
/// "≈ 1", so the claim is recorded `inconclusive` with method `observation`
/// and the measurements in its evidence (Proofs/lemma-1.md).
struct Lemma1Xi {
  var stride: Int
  var iterations: Int
  var draws: Int
  var includeMLP: Bool
  static let fractions = [0.01, 0.05, 0.1, 0.25, 0.5]
  static let rows = 8

  /// Every `stride`-th sample of the MNIST file.
  static func loadMNIST(stride: Int) throws -> LabelledDataSet {
    let url = PackageRoot.fromSource().appendingPathComponent("fixtures/data/mnist_5k.csv")
    guard let data = FileManager.default.contents(atPath: url.path) else { throw DataError.fileMissing(path: url.path) }
    var kept: [Substring.UTF8View.SubSequence] = []
    let text = String(decoding: data, as: UTF8.self)
    var index = 0
    for line in text.utf8.split(separator: UInt8(ascii: "\n")) {
      if index % stride == 0 { kept.append(line) }
      index += 1
    }
    let joined = kept.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    return try MNISTCSV.parse(joined, source: url.path)
  }

  /// ξ of `scores` for one reading and block size: exact for top-k, else the
  /// mean over `draws` blocks.
  static func xi(scores: [Double], k: Int, reading: SelectionReading, draws: Int,
                 using rng: inout Xoshiro256) throws -> Double {
    let total = scores.reduce(0, +)
    guard total > 0 else { return 1 }
    let n = reading == .topK ? 1 : draws
    var sum = 0.0
    for _ in 0..<n {
      let block = try selectBlock(scores: scores, k: k, reading: reading, using: &rng)
      sum += block.reduce(0) { $0 + scores[$1] } / total
    }
    return sum / Double(n)
  }

  /// Measurements of one problem: reading → per-fraction list of ξ over checkpoints.
  func measure<P: StochasticProblem>(_ problem: P, start: [Double], stepSize: Double, seed: UInt64)
    throws -> [String: [[Double]]] where P.Element == Double {
    var rng = Xoshiro256(seed: seed, stream: 1)
    var selection = Xoshiro256(seed: seed, stream: 2)
    var x = start
    var out: [String: [[Double]]] = [:]
    let d = problem.dimension
    let checkpoints = Set((0...4).map { $0 * iterations / 4 })
    for t in 0...iterations {
      let g = problem.stochasticGradients(x, rows: Lemma1Xi.rows, using: &rng)
      if checkpoints.contains(t) {
        let scores = squaredColumnNorms(g)
        for reading in SelectionReading.allCases {
          var row = out[reading.rawValue] ?? Array(repeating: [], count: Lemma1Xi.fractions.count)
          for (n, f) in Lemma1Xi.fractions.enumerated() {
            let k = Swift.max(1, Int((f * Double(d)).rounded()))
            row[n].append(try Lemma1Xi.xi(scores: scores, k: k, reading: reading, draws: draws, using: &selection))
          }
          out[reading.rawValue] = row
        }
      }
      if t == iterations { break }
      for j in 0..<d {
        var mean = 0.0
        for i in 0..<Lemma1Xi.rows { mean += g[i, j] }
        x[j] -= stepSize * mean / Double(Lemma1Xi.rows)
      }
    }
    return out
  }

  /// Evidence and plot of one problem's measurements.
  static func summary(_ name: String, d: Int, _ m: [String: [[Double]]]) -> (JSONValue, Plot, Double) {
    var table: [String: JSONValue] = [:]
    var series: [Plot.Series] = []
    var smallest = Double.infinity
    for reading in SelectionReading.allCases {
      guard let row = m[reading.rawValue] else { continue }
      var entries: [String: JSONValue] = [:]
      var points: [(x: Double, y: Double)] = []
      for (n, f) in fractions.enumerated() {
        let values = row[n]
        let mean = values.reduce(0, +) / Double(Swift.max(1, values.count))
        let low = values.min() ?? .nan
        // The uniform reading's ξ is k/d by construction; the smallest of the others is reported.
        if reading != .uniform { smallest = Swift.min(smallest, low) }
        entries[String(f)] = .object(["mean": .number(mean), "min": .number(low), "max": .number(values.max() ?? .nan)])
        points.append((f, mean))
      }
      table[reading.rawValue] = .object(entries)
      series.append(Plot.Series(name: reading.rawValue, points: points))
    }
    series.append(Plot.Series(name: "k/d (Lemma 1's lower bound)", points: fractions.map { ($0, $0) }, style: "dashed"))
    let plot = Plot(title: "ξ on \(name) gradients (d = \(d)), mean over checkpoints", xLabel: "k/d",
                    yLabel: "ξ = ‖C_k(G)‖² / ‖G‖²", logX: true, series: series)
    return (.object(["dimension": .number(Double(d)), "xi": .object(table)]), plot, smallest)
  }

  func run(seed: UInt64) throws -> (evidence: JSONValue, cases: Int, smallest: Double) {
    let data = try Lemma1Xi.loadMNIST(stride: stride)
    let policy = MiniBatchPolicy(batchSize: 16)
    var problems: [String: JSONValue] = [:]
    var plots: [JSONValue] = []
    var smallest = Double.infinity
    var cases = 0
    var features = Matrix<Double>(rows: data.count, columns: data.featureCount, repeating: 0)
    for (i, v) in data.features.enumerated() { features.storage[i] = Double(v) }
    let logistic = LogisticRegression<Double>(features: features, labels: data.labels.map { $0 >= 5 ? 1 : 0 },
                                              policy: policy)
    let m1 = try measure(logistic, start: Array(repeating: 0, count: logistic.dimension), stepSize: 0.5,
                         seed: PRNG.caseSeed(runSeed: seed, caseIndex: 0))
    let (e1, p1, s1) = Lemma1Xi.summary("logistic regression", d: logistic.dimension, m1)
    problems["logistic-regression"] = e1
    plots.append(p1.json)
    smallest = Swift.min(smallest, s1)
    cases += 5 * SelectionReading.allCases.count * Lemma1Xi.fractions.count
    if includeMLP {
      let network = MLP<Double>(layerSizes: [784, 32, 10])
      var init0 = Xoshiro256(seed: PRNG.caseSeed(runSeed: seed, caseIndex: 2))
      let problem = MLPProblem(network: network, data: data, policy: policy)
      let m2 = try measure(problem, start: network.initialParameters(using: &init0), stepSize: 0.05,
                           seed: PRNG.caseSeed(runSeed: seed, caseIndex: 1))
      let (e2, p2, s2) = Lemma1Xi.summary("MLP 784–32–10", d: problem.dimension, m2)
      problems["mlp"] = e2
      plots.append(p2.json)
      smallest = Swift.min(smallest, s2)
      cases += 5 * SelectionReading.allCases.count * Lemma1Xi.fractions.count
    }
    let evidence: JSONValue = .object([
      "problems": .object(problems), "plots": .array(plots),
      "setting": .object([
        "samples": .number(Double(data.count)), "stride": .number(Double(stride)),
        "iterations": .number(Double(iterations)), "rows": .number(Double(Lemma1Xi.rows)), "batchSize": .number(16),
        "drawsPerMeasurement": .number(Double(draws)), "checkpoints": .number(5),
        "fractions": .array(Lemma1Xi.fractions.map { .number($0) }),
      ]),
      "why-inconclusive": .string("an observation: the paper states no threshold for ξ ≈ 1, so no verdict is derived"),
    ])
    return (evidence, cases, smallest)
  }
}
