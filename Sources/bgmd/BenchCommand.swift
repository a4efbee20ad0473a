import ArgumentParser
import BGMD
import Randomness

/// `bgmd bench`: the aggregation benchmarks side by side in one run, as JSON.
///
/// 1. One BGMD aggregation step (memory augmentation, scores, `successive`
///    selection of k = 0.1·d, GM on the b×k block, memory update) against one
///    GMD step (GM on all d), b = 32, d = 1,163,978, Float32, same ε.
///    Target: speedup ≥ 8.
/// 2. GM alone, b = 32, d = 10⁵ and 10⁶, ε = 1e-6: seconds per solve,
///    iterations, and the bytes of the matrix read per second per iteration
///    against a streaming baseline (a sum of the same matrix) in the same run.
///    Target: ≥ 50% of the baseline.
/// 3. `successive` selection of k = 0.1·d from d = 1,163,978 scores against
///    one pass computing the column norms (b = 32). Target: ≤ 3×.
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
    print(JSONText.object(sections))
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

/// One BGMD aggregation step with averaged memory m̂ (Algorithm 1 as printed):
/// one fused pass reads G and computes, for G + m̂, the column sums (for the
/// memory) and the scores s_j; `successive` selection; gather the block of
/// G + m̂; GM on it; m̂ ← the column means of G + m̂ off the block, 0 on it.
func bgmdStep(
  _ g: Matrix<Float>, memory: inout [Float], k: Int, options: GeometricMedianOptions,
  using rng: inout some RandomNumberGenerator
) throws -> (aggregate: [Float], iterations: Int) {
  let b = g.rows, d = g.columns
  var sums = [Double](repeating: 0, count: d)
  var scores = [Double](repeating: 0, count: d)
  g.storage.withUnsafeBufferPointer { p in
    memory.withUnsafeBufferPointer { m in
      sums.withUnsafeMutableBufferPointer { s in
        scores.withUnsafeMutableBufferPointer { q in
          guard let x = p.baseAddress, let mBase = m.baseAddress, let sBase = s.baseAddress,
                let qBase = q.baseAddress else { return }
          _augmentedColumnMoments(x, rows: b, columns: d, memory: mBase, sums: sBase, squares: qBase)
        }
      }
    }
  }
  let block = try selectBlock(scores: scores, k: k, reading: .successive, using: &rng)
  let k = block.count
  var gathered = [Float](repeating: 0, count: b * k)
  g.storage.withUnsafeBufferPointer { p in
    memory.withUnsafeBufferPointer { m in
      gathered.withUnsafeMutableBufferPointer { out in
        block.withUnsafeBufferPointer { columns in
          for i in 0..<b {
            let row = i * d, target = i * k
            for t in 0..<k {
              let j = columns[t]
              out[target + t] = p[row + j] + m[j]
            }
          }
        }
      }
    }
  }
  let solution = try geometricMedian(try Matrix(rows: b, columns: k, storage: gathered), options: options)
  var aggregate = [Float](repeating: 0, count: d)
  let inverseRows = 1 / Double(b)
  for j in 0..<d { memory[j] = Float(sums[j] * inverseRows) }
  for (t, j) in block.enumerated() {
    aggregate[j] = solution.point[t]
    memory[j] = 0
  }
  return (aggregate, solution.certificate.iterations)
}

func benchStep(_ g: Matrix<Float>, epsilon: Double, repetitions: Int) throws -> String {
  let d = g.columns, b = g.rows
  let k = Int((0.1 * Double(d)).rounded(.up))
  let options = GeometricMedianOptions(epsilon: epsilon)
  var gmdTimes: [Double] = [], bgmdTimes: [Double] = []
  var gmdIterations = 0, bgmdIterations = 0
  var rng = Xoshiro256(seed: 3)
  var memory = (0..<d).map { _ in Float(0.01 * rng.standardNormal()) }
  for _ in 0..<repetitions {
    gmdTimes.append(try timeSeconds {
      gmdIterations = try geometricMedian(g, options: options).certificate.iterations
    })
    var stepMemory = memory
    bgmdTimes.append(try timeSeconds {
      bgmdIterations = try bgmdStep(g, memory: &stepMemory, k: k, options: options, using: &rng).iterations
    })
    memory = stepMemory
  }
  let gmd = medianSeconds(gmdTimes), bgmd = medianSeconds(bgmdTimes)
  let speedup = gmd / bgmd
  return JSONText.object([
    ("b", "\(b)"), ("d", "\(d)"), ("k", "\(k)"), ("epsilon", JSONText.number(epsilon)),
    ("gmdSeconds", JSONText.number(gmd)), ("gmdIterations", "\(gmdIterations)"),
    ("bgmdSeconds", JSONText.number(bgmd)), ("bgmdIterations", "\(bgmdIterations)"),
    ("speedup", JSONText.number(speedup)), ("target", "8"), ("met", "\(speedup >= 8)"),
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
  for _ in 0..<repetitions {
    normTimes.append(timeSeconds { scores = squaredColumnNorms(g) })
    selectTimes.append(try timeSeconds {
      size = try selectBlock(scores: scores, k: k, reading: .successive, using: &rng).count
    })
  }
  let norms = medianSeconds(normTimes), selection = medianSeconds(selectTimes)
  let ratio = selection / norms
  return JSONText.object([
    ("b", "\(g.rows)"), ("d", "\(d)"), ("k", "\(k)"), ("blockSize", "\(size)"),
    ("columnNormsSeconds", JSONText.number(norms)), ("selectionSeconds", JSONText.number(selection)),
    ("ratio", JSONText.number(ratio)), ("target", "3"), ("met", "\(ratio <= 3)"),
  ])
}

/// For the columns of G + m̂ (m̂ added to every row): Σᵢ and Σᵢ of squares,
/// in `Double`, column chunks of 1024 and four rows per accumulator update,
/// four lanes at a time.
func _augmentedColumnMoments(
  _ x: UnsafePointer<Float>, rows b: Int, columns d: Int, memory m: UnsafePointer<Float>,
  sums s: UnsafeMutablePointer<Double>, squares q: UnsafeMutablePointer<Double>
) {
  @inline(__always) func load(_ p: UnsafePointer<Float>, _ t: Int) -> SIMD4<Float> {
    UnsafeRawPointer(p + t).loadUnaligned(as: SIMD4<Float>.self)
  }
  var start = 0
  while start < d {
    let width = min(1024, d - start)
    var i = 0
    while i < b {
      let group = min(4, b - i)
      let r0 = x + i * d + start
      let r1 = x + (i + (group > 1 ? 1 : 0)) * d + start
      let r2 = x + (i + (group > 2 ? 2 : 0)) * d + start
      let r3 = x + (i + (group > 3 ? 3 : 0)) * d + start
      let w1: Double = group > 1 ? 1 : 0, w2: Double = group > 2 ? 1 : 0, w3: Double = group > 3 ? 1 : 0
      let mc = m + start, sc = s + start, qc = q + start
      var t = 0
      while t + 4 <= width {
        let mm = load(mc, t)
        let v0 = SIMD4<Double>(load(r0, t) + mm), v1 = SIMD4<Double>(load(r1, t) + mm) * w1
        let v2 = SIMD4<Double>(load(r2, t) + mm) * w2, v3 = SIMD4<Double>(load(r3, t) + mm) * w3
        let sp = UnsafeMutableRawPointer(sc + t), qp = UnsafeMutableRawPointer(qc + t)
        sp.storeBytes(of: sp.loadUnaligned(as: SIMD4<Double>.self) + (v0 + v1) + (v2 + v3), as: SIMD4<Double>.self)
        qp.storeBytes(of: qp.loadUnaligned(as: SIMD4<Double>.self) + (v0 * v0 + v1 * v1) + (v2 * v2 + v3 * v3),
                      as: SIMD4<Double>.self)
        t += 4
      }
      while t < width {
        for r in 0..<group {
          let v = Double(x[(i + r) * d + start + t] + mc[t])
          sc[t] += v
          qc[t] += v * v
        }
        t += 1
      }
      i += group
    }
    start += width
  }
}
