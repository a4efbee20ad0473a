/// Seconds per entry of one fused Weiszfeld pass (`weiszfeldStep` with the
/// next distances, the pass every iteration of the GM makes) on `Float` rows
/// small enough to stay in cache, for `bgmd bench`
/// (`bgmdVersusGmd.gmdPasses.inCache`): the pass's cost with memory taken
/// out, to set beside the same pass over a matrix streamed from memory. The
/// rows are n × d entries drawn from `rng`, β and the iterate as in a run;
/// the pass is repeated `repetitions` times after one untimed warm-up, and
/// the median per-entry time is returned.
/// - Precondition: n ≥ 1, d ≥ 1, repetitions ≥ 1.
/// - Complexity: O(repetitions · n · d).
@_spi(Benchmarks)
public func _weiszfeldPassSecondsPerEntry<R: RandomNumberGenerator>(
  rows n: Int, columns d: Int, repetitions: Int, using rng: inout R
) -> Double {
  precondition(n >= 1 && d >= 1 && repetitions >= 1, "_weiszfeldPassSecondsPerEntry: empty shape or no repetitions")
  // Entries and iterate in [−1, 1) from the top 24 bits of raw words.
  func unit(_ word: UInt64) -> Float { Float(word >> 40) * 0x1p-23 - 1 }
  let x = (0..<(n * d)).map { _ in unit(rng.next()) }
  let z = (0..<d).map { _ in unit(rng.next()) / 8 }
  let mean = (0..<d).map { _ in Double(unit(rng.next())) / 8 }
  let beta = (0..<n).map { _ in 0.5 + Double(rng.next() >> 11) * 0x1p-53 }
  let betaSum = beta.reduce(0, +)
  var next = [Float](repeating: 0, count: d)
  var chunk = [Double](repeating: 0, count: _weiszfeldChunkColumns)
  var distances = [Double](repeating: 0, count: n)
  var seconds: [Double] = []
  var sink = 0.0
  x.withUnsafeBufferPointer { xp in
    z.withUnsafeBufferPointer { zp in
      mean.withUnsafeBufferPointer { mp in
        next.withUnsafeMutableBufferPointer { np in
          chunk.withUnsafeMutableBufferPointer { cp in
            distances.withUnsafeMutableBufferPointer { dp in
              guard let base = xp.baseAddress, let zb = zp.baseAddress, let mb = mp.baseAddress,
                    let nb = np.baseAddress, let cb = cp.baseAddress, let db = dp.baseAddress else { return }
              let data = _WeiszfeldData(x: base, n: n, d: d, scale: 1)
              for repetition in 0...repetitions {
                var clock = _PhaseClock(enabled: true)
                let terms = data.weiszfeldStep(
                  z: zb, beta: beta, betaSum: betaSum, weightedMean: mb, next: nb, chunk: cb,
                  nextSquaredDistances: db)
                let elapsed = clock.lap()
                sink += terms.rNormSquared
                if repetition > 0 { seconds.append(elapsed) }
              }
            }
          }
        }
      }
    }
  }
  _keepTouched(UInt32(truncatingIfNeeded: sink.bitPattern))
  seconds.sort()
  guard !seconds.isEmpty else { return .nan }
  return seconds[seconds.count / 2] / Double(n * d)
}
