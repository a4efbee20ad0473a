import BGMD
/// One row of the paper's Table 3: a corruption model, its fraction ψ and
/// its schedule, under a stable name (`clean`, `bit-flip-20`,
/// `bit-flip-20-fixed`, …).
public struct ExperimentSetting: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The name used in tables, JSON and the checkpoint file.
  public var name: String
  /// The corruption, or nil for the clean setting.
  public var corruption: CorruptionSpec?
  /// `dynamic` (a fresh random ψ fraction of the rows each iteration, the
  /// paper's §7.2) or `fixed` (the same rows every iteration, as the
  /// authors' code did by reseeding its attack generator on every call).
  public var schedule: CorruptionSchedule.Kind

  public init(name: String, corruption: CorruptionSpec?, schedule: CorruptionSchedule.Kind = .dynamic) {
    self.name = name
    self.corruption = corruption
    self.schedule = schedule
  }

  /// A setting named `<kind>-<percent>` (with `-fixed` for the fixed
  /// schedule), e.g. `bit-flip-40`.
  public static func corrupted(_ kind: CorruptionSpec.Kind, percent: Int,
                               schedule: CorruptionSchedule.Kind = .dynamic) -> ExperimentSetting {
    let suffix = schedule == .fixed ? "-fixed" : ""
    return ExperimentSetting(name: "\(kind.rawValue)-\(percent)\(suffix)",
                             corruption: CorruptionSpec(kind: kind, fraction: Double(percent) / 100),
                             schedule: schedule)
  }

  /// No corruption.
  public static let clean = ExperimentSetting(name: "clean", corruption: nil)

  /// The paper's §7.2 settings in Table 3's order (dynamic schedule): clean;
  /// gradient bit flip (−100·g) and additive N(0, 100); feature additive
  /// N(0, 100) and impulse; backdoor to class 8; each at ψ = 20% and 40%.
  /// Then the gradient attacks under the fixed schedule, as extra rows.
  public static let table3: [ExperimentSetting] = {
    var settings = [clean]
    for kind in [CorruptionSpec.Kind.bitFlip, .additive, .featureAdditive, .impulse, .backdoor] {
      for percent in [20, 40] { settings.append(corrupted(kind, percent: percent)) }
    }
    for kind in [CorruptionSpec.Kind.bitFlip, .additive] {
      for percent in [20, 40] { settings.append(corrupted(kind, percent: percent, schedule: .fixed)) }
    }
    return settings
  }()

  /// The Table 3 setting with this name, or nil.
  public static func named(_ name: String) -> ExperimentSetting? {
    table3.first { $0.name == name }
  }

  public var description: String { name }
}

extension MethodSpec {
  /// Table 3's columns: SGD, CMD, GMD, BGMD (k = 0.1·d, `successive`,
  /// `averaged`: Algorithm 1 as printed), then the authors' experiment
  /// variants `bgmd/top-k` (selection) and `bgmd/per-row` (memory), then
  /// the robust memories `bgmd/filtered-mean` and `bgmd/norm-filtered`
  /// (Proofs/robust-memory.md; `bgmd/coordinate-median` on request).
  public static let table3: [MethodSpec] = [
    MethodSpec(method: .sgd), MethodSpec(method: .cmd), MethodSpec(method: .gmd), MethodSpec(method: .bgmd),
    MethodSpec(method: .bgmd, reading: .topK), MethodSpec(method: .bgmd, memory: .perRow),
    MethodSpec(method: .bgmd, memory: .filteredMean), MethodSpec(method: .bgmd, memory: .normFiltered),
  ]

  /// Columns `--methods` may ask for beyond the default ones: the
  /// `coordinate-median` memory (robust, but dearer than `norm-filtered` and
  /// not better; Proofs/robust-memory.md).
  public static let table3Optional: [MethodSpec] = [MethodSpec(method: .bgmd, memory: .coordinateMedian)]

  /// The Table 3 columns whose labels are in `labels` (in Table 3's order,
  /// optional ones last), or nil when a label is not a column.
  public static func table3Columns(_ labels: [String]) -> [MethodSpec]? {
    let all = table3 + table3Optional
    guard labels.allSatisfy({ label in all.contains { $0.label == label } }) else { return nil }
    return all.filter { labels.contains($0.label) }
  }
}
