import RealModule
import Randomness

/// A fully connected network with ReLU hidden layers and a softmax
/// cross-entropy output, over a flat parameter vector x ∈ ℝ^d, with
/// hand-written backpropagation.
///
/// Layout of x: for each layer l (sizes n_l → n_{l+1}) the weights W_l
/// (n_{l+1} × n_l, row-major: row o holds the weights into unit o), then the
/// biases b_l (n_{l+1}). For [784, 128, 10],
/// d = 784·128 + 128 + 128·10 + 10 = 101,770.
///
/// Loss of a batch of B samples: (1/B) Σ_s −log softmax(z_s)[y_s] +
/// (λ/2) Σ_l ‖W_l‖² (weight decay on weights, not biases).
///
/// Performance: the kernels loop over contiguous rows through unsafe buffer
/// pointers with `Relaxed.multiplyAdd`, specialised for `Float` and
/// `Double`. Timings belong to the machine, not to this comment: a training
/// run measures them (`CurvePoint.seconds` of each `TrainingRun`, in
/// the results `bgmd experiment` writes).
public struct MLP<Element: Scalar & Real>: Sendable {
  /// Layer widths n_0 (inputs) … n_L (classes); at least two entries.
  public let layerSizes: [Int]
  /// λ, the weight-decay coefficient.
  public var weightDecay: Element

  /// - Precondition: at least two layer sizes, all ≥ 1; `weightDecay >= 0`.
  public init(layerSizes: [Int], weightDecay: Element = .zero) {
    precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 >= 1 },
                 "MLP: layer sizes \(layerSizes) need at least an input and an output layer")
    precondition(weightDecay >= .zero, "MLP: negative weight decay")
    self.layerSizes = layerSizes
    self.weightDecay = weightDecay
  }

  /// The number of layers of weights, L.
  public var layerCount: Int { layerSizes.count - 1 }
  /// n_0.
  public var inputCount: Int { layerSizes[0] }
  /// n_L.
  public var classCount: Int { layerSizes[layerSizes.count - 1] }

  /// d = Σ_l n_{l+1}(n_l + 1).
  public var parameterCount: Int {
    (0..<layerCount).reduce(0) { $0 + layerSizes[$1 + 1] * (layerSizes[$1] + 1) }
  }

  /// The offset of W_l in x (b_l follows at + n_{l+1}·n_l).
  public func weightOffset(layer l: Int) -> Int {
    (0..<l).reduce(0) { $0 + layerSizes[$1 + 1] * (layerSizes[$1] + 1) }
  }

  /// Initial weights.
  public enum Initialization: String, Sendable, CaseIterable {
    /// He et al. 2015: W ~ N(0, 2/n_in) (for ReLU layers).
    case he
    /// Glorot & Bengio 2010: W ~ U(−a, a), a = √(6/(n_in + n_out)).
    case glorot
  }

  /// A random initial x: weights by `scheme`, biases 0.
  /// - Complexity: O(d) draws.
  public func initialParameters(_ scheme: Initialization = .he,
                                using rng: inout some RandomNumberGenerator) -> [Element] {
    var x: [Element] = []
    x.reserveCapacity(parameterCount)
    for l in 0..<layerCount {
      let nIn = Double(layerSizes[l]), nOut = Double(layerSizes[l + 1])
      for _ in 0..<(layerSizes[l] * layerSizes[l + 1]) {
        switch scheme {
        case .he:
          x.append(Element(approximating: (2 / nIn).squareRoot() * rng.standardNormal()))
        case .glorot:
          let a = (6 / (nIn + nOut)).squareRoot()
          x.append(Element(approximating: a * (2 * rng.uniformDouble() - 1)))
        }
      }
      x.append(contentsOf: repeatElement(Element.zero, count: layerSizes[l + 1]))
    }
    return x
  }

  /// The logits z (B × n_L, row-major) of B samples (`inputs`: B × n_0,
  /// row-major). O(B·d).
  @_specialize(where Element == Float)
  @_specialize(where Element == Double)
  public func logits(_ x: [Element], inputs: [Element]) -> [Element] {
    forward(x, inputs: inputs).last ?? []
  }

  /// The activations of every layer: [inputs, h_1, …, h_{L−1}, z].
  @_specialize(where Element == Float)
  @_specialize(where Element == Double)
  func forward(_ x: [Element], inputs: [Element]) -> [[Element]] {
    precondition(x.count == parameterCount, "MLP: x has \(x.count) entries; expected \(parameterCount)")
    precondition(inputs.count % inputCount == 0, "MLP: \(inputs.count) inputs are not rows of \(inputCount)")
    let batch = inputs.count / inputCount
    var activations = [inputs]
    activations.reserveCapacity(layerSizes.count)
    x.withUnsafeBufferPointer { xp in
      for l in 0..<layerCount {
        let nIn = layerSizes[l], nOut = layerSizes[l + 1]
        let w = weightOffset(layer: l), b = w + nIn * nOut
        var out = Array(repeating: Element.zero, count: batch * nOut)
        activations[l].withUnsafeBufferPointer { hp in
          out.withUnsafeMutableBufferPointer { op in
            for s in 0..<batch {
              let h = s * nIn
              for o in 0..<nOut {
                let row = w + o * nIn
                var acc = xp[b + o]
                for i in 0..<nIn { acc = Relaxed.multiplyAdd(xp[row + i], hp[h + i], acc) }
                // ReLU on hidden layers; the last layer stays linear.
                op[s * nOut + o] = (l < layerCount - 1 && acc < .zero) ? .zero : acc
              }
            }
          }
        }
        activations.append(out)
      }
    }
    return activations
  }

  /// The batch loss (mean cross-entropy + weight decay) and its gradient
  /// with respect to x.
  /// - Parameters:
  ///   - inputs: B × n_0, row-major.
  ///   - labels: B labels in 0..<n_L.
  /// - Precondition: B ≥ 1, `inputs.count == B·n_0`, labels in range.
  /// - Complexity: O(B·d) time, O(B·Σ n_l + d) memory.
  @_specialize(where Element == Float)
  @_specialize(where Element == Double)
  public func lossAndGradient(_ x: [Element], inputs: [Element], labels: [Int]) -> (loss: Element, gradient: [Element]) {
    let batch = labels.count
    precondition(batch >= 1 && inputs.count == batch * inputCount,
                 "MLP: \(inputs.count) inputs for \(batch) labels of \(inputCount) features")
    precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount }, "MLP: a label is outside 0..<\(classCount)")
    let activations = forward(x, inputs: inputs)
    let k = classCount
    let invB = 1 / Element(integer: batch)
    // Softmax cross-entropy: dz = (softmax(z) − onehot(y)) / B.
    var delta = activations[layerCount]
    var loss = Element.zero
    for s in 0..<batch {
      let z = s * k
      var zmax = delta[z]
      for c in 1..<max(k, 1) where delta[z + c] > zmax { zmax = delta[z + c] }
      var sum = Element.zero
      for c in 0..<k { let e = Element.exp(delta[z + c] - zmax); delta[z + c] = e; sum += e }
      loss += Element.log(sum) + zmax - activations[layerCount][z + labels[s]]
      for c in 0..<k { delta[z + c] = delta[z + c] / sum * invB }
      delta[z + labels[s]] -= invB
    }
    loss *= invB
    var grad = Array(repeating: Element.zero, count: parameterCount)
    x.withUnsafeBufferPointer { xp in
      grad.withUnsafeMutableBufferPointer { gp in
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
          let nIn = layerSizes[l], nOut = layerSizes[l + 1]
          let w = weightOffset(layer: l), b = w + nIn * nOut
          var previous = l > 0 ? Array(repeating: Element.zero, count: batch * nIn) : []
          activations[l].withUnsafeBufferPointer { hp in
            delta.withUnsafeBufferPointer { dp in
              previous.withUnsafeMutableBufferPointer { pp in
                for s in 0..<batch {
                  let h = s * nIn
                  for o in 0..<nOut {
                    let dz = dp[s * nOut + o]
                    if dz == .zero { continue }
                    gp[b + o] += dz
                    let row = w + o * nIn
                    for i in 0..<nIn { gp[row + i] = Relaxed.multiplyAdd(dz, hp[h + i], gp[row + i]) }
                    if l > 0 {
                      for i in 0..<nIn { pp[h + i] = Relaxed.multiplyAdd(dz, xp[row + i], pp[h + i]) }
                    }
                  }
                  // ReLU derivative: h_l = relu(z) so dz = dh where h_l > 0.
                  if l > 0 {
                    for i in 0..<nIn where hp[h + i] <= .zero { pp[h + i] = .zero }
                  }
                }
              }
            }
          }
          delta = previous
          if weightDecay != .zero {
            var decay = Element.zero
            for i in w..<b {
              decay += xp[i] * xp[i]
              gp[i] += weightDecay * xp[i]
            }
            loss += weightDecay / 2 * decay
          }
        }
      }
    }
    return (loss, grad)
  }

  /// The predicted class (largest logit, ties to the lower class) of each
  /// input row. O(B·d).
  public func predictions(_ x: [Element], inputs: [Element]) -> [Int] {
    let z = logits(x, inputs: inputs)
    let k = classCount
    return (0..<(z.count / k)).map { s in
      var best = 0
      for c in 1..<max(k, 1) where z[s * k + c] > z[s * k + best] { best = c }
      return best
    }
  }
}
