import Randomness
import Testing
@testable import BGMD

/// The Weiszfeld pass against plain scalar loops in Double, on shapes that
/// exercise every kernel path: row counts below, at and above the group of
/// eight (n = 1, 2, 3, 5, 8, 9, 16, 33), column counts below one vector, not a
/// multiple of the vector width, one chunk exactly, and several chunks with a
/// tail (so the fused kernel runs and the last chunk goes through the
/// unfused one).
@Suite struct WeiszfeldKernelTests {
  static let rowCounts = [1, 2, 3, 5, 8, 9, 16, 33]
  static var columnCounts: [Int] {
    let w = _weiszfeldChunkColumns
    return [1, 3, 7, w, 2 * w + 5, 3 * w + 13]
  }

  /// Σ terms with Neumaier's compensation (error ~ 2⁻⁵³·Σ|terms|, far below
  /// the tolerance used on the kernel).
  func compensatedSum(_ terms: [Double]) -> Double {
    var sum = 0.0, compensation = 0.0
    for term in terms {
      let t = sum + term
      compensation += abs(sum) >= abs(term) ? (sum - t) + term : (term - t) + sum
      sum = t
    }
    return sum + compensation
  }

  /// |value − reference| ≤ (count + 8)·2⁻⁵³·magnitude: what any order of a
  /// floating-point sum of `count` terms with Σ|terms| = magnitude satisfies.
  func withinSumError(_ value: Double, _ reference: Double, count: Int, magnitude: Double) -> Bool {
    abs(value - reference) <= Double(count + 8) * 0x1p-53 * magnitude + Double.leastNormalMagnitude
  }

  struct Case<E: _StreamedElement> {
    var x: [E]
    var n: Int
    var d: Int
    var beta: [Double]
    var z: [E]
    var mean: [Double]
  }

  /// Random rows in [−1, 1], β with some zeros (always β₀ > 0), z in E,
  /// x̄ arbitrary.
  func makeCase<E: _StreamedElement>(_ type: E.Type, n: Int, d: Int, rng: inout Xoshiro256) -> Case<E> {
    let x = (0..<(n * d)).map { _ in E(2 * rng.uniformDouble() - 1) }
    var beta = (0..<n).map { _ in 0.1 + rng.uniformDouble() }
    // Rows with β = 0 (at data points, or of weight 0), but keep one positive.
    for i in 0..<n where i > 0 && rng.bernoulli(0.2) { beta[i] = 0 }
    let z = (0..<d).map { _ in E(0.2 * rng.uniformDouble() - 0.1) }
    let mean = (0..<d).map { _ in 0.2 * rng.uniformDouble() - 0.1 }
    return Case(x: x, n: n, d: d, beta: beta, z: z, mean: mean)
  }

  func check<E: _StreamedElement>(_ c: Case<E>, scale: Double) {
    let n = c.n, d = c.d
    let betaSum = c.beta.reduce(0, +)
    var next = [E](repeating: 0, count: d), unfusedNext = next
    var chunk = [Double](repeating: 0, count: _weiszfeldChunkColumns)
    var rn = [Double](repeating: -1, count: n)
    var distances = [Double](repeating: 0, count: n)
    var fusedTerms = (rNormSquared: 0.0, rDotOffset: 0.0), unfusedTerms = fusedTerms
    c.x.withUnsafeBufferPointer { xp in
      guard let base = xp.baseAddress else { return }
      let data = _WeiszfeldData(x: base, n: n, d: d, scale: scale)
      fusedTerms = data.weiszfeldStep(
        z: c.z, beta: c.beta, betaSum: betaSum, weightedMean: c.mean, next: &next, chunk: &chunk,
        nextSquaredDistances: &rn)
      unfusedTerms = data.weiszfeldStep(
        z: c.z, beta: c.beta, betaSum: betaSum, weightedMean: c.mean, next: &unfusedNext, chunk: &chunk,
        nextSquaredDistances: nil)
      next.withUnsafeBufferPointer { data.squaredDistances(to: $0.baseAddress.unsafelyUnwrapped, into: &distances) }
    }
    // T̃ is the row-order sum, bit for bit.
    let factor = scale / betaSum
    var expectedNext = [E](repeating: 0, count: d)
    for j in 0..<d {
      var acc = 0.0
      for i in 0..<n where c.beta[i] > 0 { acc = acc + c.beta[i] * Double(c.x[i * d + j]) }
      expectedNext[j] = E(acc * factor)
    }
    #expect(next == expectedNext, "n = \(n), d = \(d)")
    #expect(unfusedNext == expectedNext, "n = \(n), d = \(d)")
    // The terms do not depend on whether distances are fused in.
    #expect(fusedTerms == unfusedTerms, "n = \(n), d = \(d)")
    // Distances: any kernel gives the same bits, and they are sums of d
    // squares accurate to a sum's rounding.
    #expect(rn == distances, "n = \(n), d = \(d)")
    for i in 0..<n {
      let squares = (0..<d).map { j -> Double in
        let u = Double(next[j]) - Double(c.x[i * d + j]) * scale
        return u * u
      }
      let reference = compensatedSum(squares)
      #expect(withinSumError(rn[i], reference, count: d, magnitude: reference), "row \(i), n = \(n), d = \(d)")
    }
    // R = Σβ(xᵢ − z) = (Σβ)(T̃ − z): ‖R‖² and ⟨R, z − x̄⟩.
    var rSquares: [Double] = [], rDots: [Double] = []
    for j in 0..<d {
      var acc = 0.0
      for i in 0..<n where c.beta[i] > 0 { acc = acc + c.beta[i] * Double(c.x[i * d + j]) }
      let r = betaSum * (acc * factor - Double(c.z[j]))
      rSquares.append(r * r)
      rDots.append(r * (Double(c.z[j]) - c.mean[j]))
    }
    let rNorm = compensatedSum(rSquares), rDot = compensatedSum(rDots)
    #expect(withinSumError(fusedTerms.rNormSquared, rNorm, count: d, magnitude: rNorm))
    #expect(withinSumError(fusedTerms.rDotOffset, rDot, count: d, magnitude: rDots.map(abs).reduce(0, +)))
  }

  @Test func stepAgreesWithScalarReferenceForFloat() {
    var rng = Xoshiro256(seed: 21)
    for n in Self.rowCounts {
      for d in Self.columnCounts {
        check(makeCase(Float.self, n: n, d: d, rng: &rng), scale: 1)
      }
    }
  }

  @Test func stepAgreesWithScalarReferenceForDouble() {
    var rng = Xoshiro256(seed: 22)
    for n in Self.rowCounts {
      for d in Self.columnCounts {
        check(makeCase(Double.self, n: n, d: d, rng: &rng), scale: 1)
        // A power-of-two scale (the path for magnitudes near the floating
        // range) multiplies the entries in the distances.
        check(makeCase(Double.self, n: n, d: d, rng: &rng), scale: 0x1p-3)
      }
    }
  }

  @Test func startPassAgreesWithItsParts() throws {
    var rng = Xoshiro256(seed: 23)
    for n in Self.rowCounts {
      for d in Self.columnCounts {
        let c = makeCase(Float.self, n: n, d: d, rng: &rng)
        let weights = (0..<n).map { i in i > 0 && rng.bernoulli(0.2) ? 0 : 0.5 + rng.uniformDouble() }
        var z = [Float](repeating: 0, count: d)
        var mean = [Double](repeating: 0, count: d), separateMean = mean
        var rSquared = [Double](repeating: 0, count: n), distances = rSquared
        c.x.withUnsafeBufferPointer { xp in
          guard let base = xp.baseAddress else { return }
          let data = _WeiszfeldData(x: base, n: n, d: d, scale: 1)
          data.startPass(weights: weights, z: &z, mean: &mean, rSquared: &rSquared)
          data.weightedMean(weights, into: &separateMean)
          z.withUnsafeBufferPointer { data.squaredDistances(to: $0.baseAddress.unsafelyUnwrapped, into: &distances) }
        }
        let median = coordinateMedian(try Matrix(rows: n, columns: d, storage: c.x))
        #expect(z == median, "n = \(n), d = \(d)")
        #expect(rSquared == distances, "n = \(n), d = \(d)")
        #expect(mean == separateMean, "n = \(n), d = \(d)")
        let total = weights.reduce(0, +)
        var expectedMean = [Double](repeating: 0, count: d)
        for j in 0..<d {
          var acc = 0.0
          for i in 0..<n where weights[i] > 0 { acc = acc + weights[i] * Double(c.x[i * d + j]) }
          expectedMean[j] = acc * (1 / total)
        }
        #expect(mean == expectedMean, "n = \(n), d = \(d)")
      }
    }
  }

  @Test func solverCertificateHoldsOnKernelShapes() throws {
    var rng = Xoshiro256(seed: 24)
    for n in Self.rowCounts {
      for d in [3, 7, _weiszfeldChunkColumns + 5, 2 * _weiszfeldChunkColumns + 13] {
        let values = (0..<(n * d)).map { _ in Float(rng.standardNormal()) }
        let x = try Matrix(rows: n, columns: d, storage: values)
        let epsilon = 1e-6
        let solution = try geometricMedian(x, options: GeometricMedianOptions(epsilon: epsilon))
        let certificate = solution.certificate
        #expect(certificate.lowerBound <= certificate.objective, "n = \(n), d = \(d)")
        #expect(certificate.epsilon == _relativeGap(certificate.objective, certificate.lowerBound))
        // Every run certifies, including those whose median is a data
        // point that Float iterates can only approach to a rounding step
        // (the coincidence radius covers it).
        #expect(certificate.converged, "n = \(n), d = \(d)")
        #expect(certificate.epsilon <= epsilon, "n = \(n), d = \(d)")
        // The objective is that of the returned point.
        var objective = 0.0
        for i in 0..<n {
          let squares = (0..<d).map { j -> Double in
            let u = Double(solution.point[j]) - Double(values[i * d + j])
            return u * u
          }
          objective += compensatedSum(squares).squareRoot()
        }
        #expect(abs(objective - certificate.objective) <= 1e-11 * max(1, objective), "n = \(n), d = \(d)")
      }
    }
  }

  @Test func scanInTheStartPassGivesTheGeneralPathsResult() throws {
    // Finite rows take the path with the row scan folded into the start
    // pass; adding a row with one non-finite entry (in the first chunk or a
    // later one) sends the same rows through the general path (scan pass,
    // row excluded). Both must give the same bits.
    var rng = Xoshiro256(seed: 25)
    let n = 9, d = 2 * _weiszfeldChunkColumns + 5
    let values = (0..<(n * d)).map { _ in Float(rng.standardNormal()) }
    let fast = try geometricMedian(try Matrix(rows: n, columns: d, storage: values))
    for (column, bad) in [(3, Float.nan), (_weiszfeldChunkColumns + 7, Float.infinity)] {
      var extra = (0..<d).map { _ in Float(rng.standardNormal()) }
      extra[column] = bad
      let general = try geometricMedian(try Matrix(rows: n + 1, columns: d, storage: values + extra))
      #expect(general.excludedRows == [n])
      #expect(fast.excludedRows.isEmpty)
      #expect(general.point == fast.point)
      #expect(general.certificate == fast.certificate)
    }
  }
}

/// The coincidence radius of a row scales with that row's own magnitude: a
/// huge outlier entry in one row must not make the other rows count as
/// sitting at the iterate.
@Suite struct CoincidenceRadiusTests {
  @Test func aHugeOutlierRowDoesNotWidenTheOtherRowsRadii() throws {
    var rng = Xoshiro256(seed: 77)
    let n = 9, d = 5000
    var values = (0..<(n * d)).map { _ in Float(rng.standardNormal()) }
    values[7 * d] = 1e7
    for j in 0..<d { values[8 * d + j] *= -100 }
    let float = try geometricMedian(try Matrix(rows: n, columns: d, storage: values))
    let double = try geometricMedian(try Matrix(rows: n, columns: d, storage: values.map { Double($0) }))
    #expect(float.certificate.converged)
    #expect(double.certificate.converged)
    var gap = 0.0, norm = 0.0
    for j in 0..<d {
      let u = Double(float.point[j]) - double.point[j]
      gap += u * u
      norm += double.point[j] * double.point[j]
    }
    #expect(gap.squareRoot() <= 1e-3 * norm.squareRoot())
    // Each row's radius: max(1e-12 · max|x|, √d · 2·ulp(1) · max_j |xᵢⱼ|).
    let radii = _coincidenceRadii(Float.self, columns: d, largest: 1e7, rowLargest: [4, 1e7])
    #expect(radii[0] == max(1e-12 * 1e7, Double(d).squareRoot() * 2 * Double(Float.ulpOfOne) * 4))
    #expect(radii[1] == Double(d).squareRoot() * 2 * Double(Float.ulpOfOne) * 1e7)
  }
}
