import ArgumentParser
@_spi(Benchmarks) import BGMD
import BGMDExperiments
import Randomness

/// `bgmd bench`: the aggregation benchmarks side by side in one run, as JSON.
///
/// 1. One BGMD step, `BlockDescent.step` (averaged memory, `successive`
///    selection of k = 0.1·d, GM on the b×k block, memory and iterate
///    update, record level `.none`) against one GMD step (the GM call on all
///    d), b = 32, d = 1,163,978, Float32, same ε. Target: speedup ≥ 8.
///    Also reported: `speedupCeiling`, the GMD time over (the GM on the
///    block + one streaming read of G), measured in the same run: a bound on
///    any BGMD step that uses this GM solver, since Algorithm 2 needs every
///    column's norm and so reads all of G.
///    `robustMemorySteps`: the same step with the robust memories
///    (`coordinate-median`, `filtered-mean`, `norm-filtered`;
///    Proofs/robust-memory.md), timed
///    in the same repetitions, and their ratio to the averaged step.
///    Target (issue 11): ≤ 1.5× the averaged step and faster than GMD.
/// 2. GM alone, b = 32, d = 10⁵ and 10⁶, ε = 1e-6: seconds per solve,
///    iterations, and the bytes of the matrix read per second per iteration
///    against a streaming baseline (a sum of the same matrix) in the same run.
///    Target: ≥ 50% of the baseline.
/// 3. `successive` selection of k = 0.1·d from d = 1,163,978 scores against
///    one pass computing the column norms (b = 32). Target: ≤ 3×. Also the
///    selection's phases timed one by one: score check, keys, k smallest.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Benchmark aggregation (BGMD vs GMD, GM throughput, selection) and print JSON."
  )

  @Flag(help: "Print JSON (the only output format; accepted for symmetry).")
  var json = false
  @Flag(help: "Small sizes, for a smoke test.")
  var quick = false

  func run() throws {
    let b = 32
    let dPaper = quick ? 20_000 : 1_163_978
    let gmSizes = quick ? [2_000, 20_000] : [100_000, 1_000_000]
    let repetitions = quick ? 3 : 5
    let epsilon = 1e-6
    var sections: [(String, String)] = [
      ("schema", JSONText.string("bgmd-bench/1")),
      ("quick", "\(quick)"),
      ("repetitions", "\(repetitions)"),
      ("machine", JSONText.object(
        MachineDescription.current().sorted { $0.key < $1.key }.map { ($0.key, JSONText.string($0.value)) })),
    ]
    let g = benchGradients(rows: b, columns: dPaper, seed: 1)
    sections.append(("bgmdVersusGmd", try benchStep(g, epsilon: epsilon, repetitions: repetitions)))
    var gm: [String] = []
    for d in gmSizes {
      gm.append(try benchGeometricMedian(benchGradients(rows: b, columns: d, seed: 2), epsilon: epsilon,
                                         repetitions: repetitions))
    }
    sections.append(("geometricMedian", JSONText.array(gm)))
    sections.append(("successiveSelection", try benchSelection(g, repetitions: repetitions)))
    sections.append(("aggregateCommand", try benchAggregateCommandText(quick: quick, repetitions: repetitions, sections: sections)))
    try Output.line(JSONText.object(sections))
  }
}

/// b rows of synthetic gradients in Float32: a shared mean with per-column
/// scales exp(N(0,1)) (so column norms vary as in real networks), Gaussian
/// noise twice the mean's scale, and the last b/8 rows replaced by the
/// paper's scaled bit-flip attack (−100·g).
func benchGradients(rows: Int, columns: Int, seed: UInt64) -> Matrix<Float> {
  var rng = Xoshiro256(seed: seed)
  var scale = [Double](repeating: 0, count: columns)
  var mean = [Double](repeating: 0, count: columns)
  for j in 0..<columns {
    scale[j] = (0.5 * rng.standardNormal()).exp
    mean[j] = rng.standardNormal() * scale[j]
  }
  var g = Matrix<Float>(rows: rows, columns: columns, repeating: 0)
  let corrupt = rows - rows / 8
  g.storage.withUnsafeMutableBufferPointer { p in
    for i in 0..<rows {
      for j in 0..<columns {
        let value = mean[j] + 2 * scale[j] * rng.standardNormal()
        p[i * columns + j] = Float(i >= corrupt ? -100 * value : value)
      }
    }
  }
  return g
}

extension Double {
  fileprivate var exp: Double { Double.exp(self) }
}

/// One BGMD step against one GMD step on the same rows, same ε, side by
/// side. BGMD is `BlockDescent.step` itself (Algorithm 1 as printed: γ = 1,
/// `averaged` memory, `successive` reading, k = ⌈0.1·d⌉, `GeometricMedian`
/// rule, record level `.none`), so the time covers augmentation, scores,
/// selection, gather, GM on the b×k block, memory and iterate updates. One
/// untimed step first, so the timed steps start from a non-zero memory. GMD
/// is the GM call on all d coordinates directly (`geometricMedian`), which
/// is what a GMD step aggregates and no more.
func benchStep(_ g: Matrix<Float>, epsilon: Double, repetitions: Int) throws -> String {
  let d = g.columns, b = g.rows
  let k = Int((0.1 * Double(d)).rounded(.up))
  let options = GeometricMedianOptions(epsilon: epsilon)
  let configuration = OptimizerConfiguration<Float>(
    stepSize: 1, memory: .averaged, block: .block(k: k, reading: .successive), update: .plain, record: .none)
  var optimizer = try BlockDescent(
    initialIterate: [Float](repeating: 0, count: d), batchCount: b, rule: GeometricMedian<Float>(options: options),
    configuration: configuration)
  var rng = Xoshiro256(seed: 3)
  let goodRows = Array(0..<(b - b / 8))
  _ = try optimizer.step(rows: g, goodRows: goodRows, using: &rng)
  // The robust memories (Proofs/robust-memory.md): the same step with
  // `coordinate-median`, `filtered-mean` and `norm-filtered` memory, timed in the same
  // repetitions as the averaged step, so load on the machine hits all alike.
  let robustMemories: [MemoryVariant] = [.coordinateMedian, .filteredMean, .normFiltered]
  var robust = try robustMemories.map { memory -> BlockDescent<GeometricMedian<Float>> in
    var c = configuration
    c.memory = memory
    var o = try BlockDescent(initialIterate: [Float](repeating: 0, count: d), batchCount: b,
                             rule: GeometricMedian<Float>(options: options), configuration: c)
    var r = Xoshiro256(seed: 3)
    _ = try o.step(rows: g, goodRows: goodRows, using: &r)
    return o
  }
  var robustRngs = robustMemories.map { _ in Xoshiro256(seed: 4) }
  var robustTimes = robustMemories.map { _ in [Double]() }
  var gmdTimes: [Double] = [], bgmdTimes: [Double] = []
  var gmdIterations = 0, bgmdIterations = 0
  for _ in 0..<repetitions {
    gmdTimes.append(try timeSeconds {
      gmdIterations = try geometricMedian(g, options: options).certificate.iterations
    })
    bgmdTimes.append(try timeSeconds {
      bgmdIterations = try optimizer.step(rows: g, goodRows: goodRows, using: &rng).certificate?.iterations ?? -1
    })
    for v in robust.indices {
      robustTimes[v].append(try timeSeconds {
        _ = try robust[v].step(rows: g, goodRows: goodRows, using: &robustRngs[v])
      })
    }
  }
  // Two parts of the BGMD step timed alone (library calls on the same
  // rows): the selection from the scores, and the GM on a b×k block. The
  // rest of the step is its passes over G (scores, gather) and O(d) updates.
  let scores = squaredColumnNorms(g)
  var selectionTimes: [Double] = [], blockTimes: [Double] = [], readTimes: [Double] = []
  var block: [Int] = []
  var sink: Float = 0
  for _ in 0..<repetitions {
    readTimes.append(timeSeconds { sink += streamingSum(g) })
    selectionTimes.append(try timeSeconds {
      block = try selectBlock(scores: scores, k: k, reading: .successive, using: &rng)
    })
    let gathered = g.gatherColumns(block)
    blockTimes.append(try timeSeconds { _ = try geometricMedian(gathered, options: options) })
  }
  let gmd = medianSeconds(gmdTimes), bgmd = medianSeconds(bgmdTimes)
  let robustFields = robustMemories.indices.map { v -> String in
    let seconds = medianSeconds(robustTimes[v])
    return JSONText.object([
      ("memory", JSONText.string(robustMemories[v].rawValue)),
      ("seconds", JSONText.number(seconds)),
      ("ratioToAveraged", JSONText.number(seconds / bgmd)), ("targetRatio", "1.5"),
      ("metRatio", "\(seconds <= 1.5 * bgmd)"),
      ("fasterThanGmd", "\(seconds < gmd)"),
    ])
  }
  let selection = medianSeconds(selectionTimes), blockMedian = medianSeconds(blockTimes)
  let read = medianSeconds(readTimes)
  let speedup = gmd / bgmd
  // Every reading but `uniform` depends on every column's norm, so a BGMD
  // step reads all b·d entries of G at least once, besides solving the GM
  // on the block. With this GM solver, no step can be faster than
  // (block GM + one streaming read of G).
  let ceiling = gmd / (blockMedian + read)
  return JSONText.object([
    ("b", "\(b)"), ("d", "\(d)"), ("k", "\(k)"), ("epsilon", JSONText.number(epsilon)),
    ("bgmd", JSONText.string("BlockDescent.step, averaged, successive, record none")),
    ("bgmdSelectionSeconds", JSONText.number(selection)),
    ("bgmdBlockGeometricMedianSeconds", JSONText.number(blockMedian)),
    ("bgmdRestSeconds", JSONText.number(bgmd - selection - blockMedian)),
    ("gmd", JSONText.string("geometricMedian on all d")),
    ("gmdSeconds", JSONText.number(gmd)), ("gmdIterations", "\(gmdIterations)"),
    ("bgmdSeconds", JSONText.number(bgmd)), ("bgmdIterations", "\(bgmdIterations)"),
    ("speedup", JSONText.number(speedup)), ("target", "8"), ("met", "\(speedup >= 8)"),
    ("streamingReadSeconds", JSONText.number(read)),
    ("speedupCeiling", JSONText.number(ceiling)), ("ceilingAllowsTarget", "\(ceiling >= 8)"),
    ("speedupCeilingDefinition", JSONText.string(
      "gmdSeconds / (bgmdBlockGeometricMedianSeconds + streamingReadSeconds): one read of G for the column norms plus the GM on the block, with everything else free")),
    ("gmdInStreamingReads", JSONText.number(gmd / read)),
    ("robustMemorySteps", "[" + robustFields.joined(separator: ", ") + "]"),
    ("checksum", JSONText.number(Double(sink))),
  ])
}

/// The streaming baseline: one pass summing every entry (8-wide, Float).
func streamingSum(_ g: Matrix<Float>) -> Float {
  g.storage.withUnsafeBufferPointer { p -> Float in
    guard let base = p.baseAddress else { return 0 }
    let raw = UnsafeRawPointer(base)
    var a = SIMD8<Float>(repeating: 0), c = SIMD8<Float>(repeating: 0)
    var t = 0
    while t + 16 <= p.count {
      a += raw.loadUnaligned(fromByteOffset: t * 4, as: SIMD8<Float>.self)
      c += raw.loadUnaligned(fromByteOffset: (t + 8) * 4, as: SIMD8<Float>.self)
      t += 16
    }
    var s = (a + c).sum()
    while t < p.count {
      s += p[t]
      t += 1
    }
    return s
  }
}

func benchGeometricMedian(_ g: Matrix<Float>, epsilon: Double, repetitions: Int) throws -> String {
  let bytes = Double(g.storage.count * MemoryLayout<Float>.size)
  var solveTimes: [Double] = [], setupTimes: [Double] = [], baselineTimes: [Double] = []
  var iterations = 0
  var sink: Float = 0
  for _ in 0..<repetitions {
    baselineTimes.append(timeSeconds { sink += streamingSum(g) })
    solveTimes.append(try timeSeconds {
      iterations = try geometricMedian(g, options: GeometricMedianOptions(epsilon: epsilon)).certificate.iterations
    })
    // The same solve stopped before its first update: the start (scan,
    // coordinate median, weighted mean, first distances) and one step pass.
    setupTimes.append(try timeSeconds {
      _ = try geometricMedian(g, options: GeometricMedianOptions(epsilon: epsilon, maxIterations: 0))
    })
  }
  let solve = medianSeconds(solveTimes), setup = medianSeconds(setupTimes), baseline = medianSeconds(baselineTimes)
  // Each update is one fused pass over the matrix.
  let perIteration = iterations > 0 ? (solve - setup) / Double(iterations) : .nan
  let rate = bytes / perIteration, baselineRate = bytes / baseline
  let ratio = rate / baselineRate
  return JSONText.object([
    ("b", "\(g.rows)"), ("d", "\(g.columns)"), ("epsilon", JSONText.number(epsilon)),
    ("secondsPerSolve", JSONText.number(solve)), ("iterations", "\(iterations)"),
    ("startSeconds", JSONText.number(setup)), ("secondsPerIteration", JSONText.number(perIteration)),
    ("bytesPerIteration", JSONText.number(bytes)), ("bytesPerSecond", JSONText.number(rate)),
    ("baselineBytesPerSecond", JSONText.number(baselineRate)), ("ratio", JSONText.number(ratio)),
    ("target", "0.5"), ("met", "\(ratio >= 0.5)"), ("checksum", JSONText.number(Double(sink))),
  ])
}

func benchSelection(_ g: Matrix<Float>, repetitions: Int) throws -> String {
  let d = g.columns
  let k = Int((0.1 * Double(d)).rounded(.up))
  var normTimes: [Double] = [], selectTimes: [Double] = []
  var scores: [Double] = []
  var rng = Xoshiro256(seed: 4)
  var size = 0
  // The same selection phase by phase (own generator, so the timed calls
  // above draw as before): score check, keys, k smallest keys.
  var phaseRng = Xoshiro256(seed: 5)
  var checkTimes: [Double] = [], keyTimes: [Double] = [], smallestTimes: [Double] = []
  var keys: [UInt64] = [], phaseSize = 0
  for _ in 0..<repetitions {
    normTimes.append(timeSeconds { scores = squaredColumnNorms(g) })
    selectTimes.append(try timeSeconds {
      size = try selectBlock(scores: scores, k: k, reading: .successive, using: &rng).count
    })
    checkTimes.append(try timeSeconds { _ = try _SuccessiveSelectionPhases.positiveCount(scores) })
    keyTimes.append(timeSeconds { keys = _SuccessiveSelectionPhases.keys(scores, using: &phaseRng) })
    smallestTimes.append(timeSeconds { phaseSize = _SuccessiveSelectionPhases.smallest(keys, k).count })
  }
  let norms = medianSeconds(normTimes), selection = medianSeconds(selectTimes)
  let ratio = selection / norms
  return JSONText.object([
    ("b", "\(g.rows)"), ("d", "\(d)"), ("k", "\(k)"), ("blockSize", "\(size)"),
    ("columnNormsSeconds", JSONText.number(norms)), ("selectionSeconds", JSONText.number(selection)),
    ("ratio", JSONText.number(ratio)), ("target", "3"), ("met", "\(ratio <= 3)"),
    ("phases", JSONText.object([
      ("scoreCheckSeconds", JSONText.number(medianSeconds(checkTimes))),
      ("keysSeconds", JSONText.number(medianSeconds(keyTimes))),
      ("smallestKeysSeconds", JSONText.number(medianSeconds(smallestTimes))),
      ("blockSize", "\(phaseSize)"),
    ])),
  ])
}
