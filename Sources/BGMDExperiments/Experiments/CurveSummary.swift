import BGMD
import Plotting
/// The summary of a curve experiment (`speedup`, `ablation`, `residual`):
/// what `bgmd experiment` writes as `<name>.json`, `<name>.md` and
/// `<name>.svg`.
public protocol CurveSummary: Encodable {
  /// The summary as a Markdown section.
  func markdown() -> String
  /// The summary's figure.
  func plot() -> Plot
}

extension AblationSummary: CurveSummary {}
extension ResidualSummary: CurveSummary {}
extension SpeedupSummary: CurveSummary {}
