import ClaimCheck
import Foundation

extension ClaimContext {
  /// Whether this context runs a negative control: a control's verdict is
  /// decided by its first refutation, so its check may stop there (the
  /// claim's own run always completes every phase).
  var stopsAtRefutation: Bool { control != nil }
}
