/// The paper's claims, by stable id (see DESIGN.md, "Claims registry").
public enum ClaimRegistry {
  /// Every registered claim id. Empty until the claim families are written.
  public static let all: [String] = []
}
