import ClaimCheck
import Foundation
import Testing

@testable import BGMDClaims

/// The committed Theorem 1/2 counterexamples (of (16)/(17), recorded by
/// `bgmd verify --record`) still refute their claims.
@Suite struct Theorem2FixtureTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/counterexamples")

  @Test func committedFixturesReplay() throws {
    let store = FixtureStore(root: Self.root, names: ClaimRegistry.names)
    var count = 0
    for theorem in BoundTheorem.allCases {
      for setting in Theorem2Setting.allCases {
        for reading in Assumption1Reading.allCases {
          for stored in try store.load(claim: TheoremBoundClaims.id(setting, reading, theorem: theorem)) {
            count += 1
            #expect(try TheoremBoundClaims.replay(stored.fixture), "\(stored.url.path)")
          }
        }
      }
    }
    print("theorem fixtures replayed: \(count)")
  }
}
