import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims

/// The committed Theorem 2 counterexamples still refute their claims.
@Suite struct Theorem2FixtureTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/counterexamples")

  @Test func committedFixturesReplay() throws {
    let store = FixtureStore(root: Self.root)
    var count = 0
    for setting in Theorem2Setting.allCases {
      for reading in Assumption1Reading.allCases {
        for stored in try store.load(claim: Theorem2Claims.id(setting, reading)) {
          count += 1
          #expect(try Theorem2Claims.replay(stored.fixture), "\(stored.url.path)")
        }
      }
    }
    #expect(count >= 1)
  }
}
