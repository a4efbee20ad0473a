import BGMD
/// One cell of an experiment grid to run: a setting, a method and a seed.
public struct CellSpec: Sendable, Equatable {
  public var setting: ExperimentSetting
  public var method: MethodSpec
  public var seed: UInt64

  public init(setting: ExperimentSetting, method: MethodSpec, seed: UInt64) {
    self.setting = setting
    self.method = method
    self.seed = seed
  }

  /// The cell's key in a checkpoint file: setting, method label and seed.
  public var key: CellKey { CellKey(setting: setting.name, method: method.label, seed: seed) }
}

/// What identifies a finished cell (with the run configuration's
/// fingerprint, so a rerun with other settings does not reuse it).
public struct CellKey: Sendable, Hashable, Codable {
  public var setting: String
  public var method: String
  public var seed: UInt64
}

/// One point of a recorded curve (non-finite losses stay as they were).
public struct CellPoint: Sendable, Codable, Equatable {
  public var iteration: Int
  /// Seconds of training steps so far, evaluations excluded.
  public var seconds: Double
  public var loss: Double
  public var accuracy: Double
}

/// The outcome of one finished cell, as appended to the checkpoint file
/// (one JSON object per line) the moment it finishes.
public struct CellResult: Sendable, Codable, Equatable {
  /// The grid's name (`table3`, `speedup`, …).
  public var experiment: String
  /// The fingerprint of everything but the cell (data, model, T, γ, …).
  public var configuration: String
  public var setting: String
  public var method: String
  public var seed: UInt64
  /// Test accuracy (a fraction) of the last iterate reached.
  public var accuracy: Double
  /// Training loss of the last iterate reached (may be NaN or ∞).
  public var loss: Double
  /// Seconds of training steps, evaluations excluded.
  public var seconds: Double
  /// Iterations done (fewer than asked when a step threw).
  public var iterations: Int
  /// True when the loss is not finite or a step threw (e.g. a robust rule
  /// saw too many non-finite rows).
  public var diverged: Bool
  /// The error that stopped the run early, if any.
  public var stoppedBy: String?
  /// The mean measured ξ = ‖C_k(G)‖²/‖G‖² over the iterations (1 without a
  /// block).
  public var meanRetainedFraction: Double
  /// The evaluation points, when the experiment records curves.
  public var curve: [CellPoint]?
  /// ξ at every iteration, when the experiment records it.
  public var retainedFractions: [Double]?
  /// The wall-clock phases of every step (T_b, corruption, T_a, the whole
  /// step; `StepTiming`), when the experiment records them.
  public var stepTimings: [StepTiming]? = nil

  /// The cell's key.
  public var key: CellKey { CellKey(setting: setting, method: method, seed: seed) }
}
