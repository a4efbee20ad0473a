import ClaimCheck
import Foundation
import Testing
import TestSupport

@testable import BGMDClaims

/// The committed Theorem 1/2 counterexamples (of (16)/(17), recorded by
/// `bgmd verify --record`) still refute their claims.
@Suite struct Theorem2FixtureTests {
  static let root = packageRoot.appendingPathComponent("fixtures/counterexamples")

  @Test func committedFixturesReplay() throws {
    let store = FixtureStore(root: Self.root, names: ClaimRegistry.names)
    var count = 0
    var ids: [String] = []
    var replayedClaims = Set<String>()
    for theorem in BoundTheorem.allCases {
      for setting in Theorem2Setting.allCases {
        for reading in Assumption1Reading.allCases {
          let id = TheoremBoundClaims.id(setting, reading, theorem: theorem)
          ids.append(id)
          for stored in try store.load(claim: id) {
            count += 1
            replayedClaims.insert(id)
            #expect(try TheoremBoundClaims.replay(stored.fixture), "\(stored.url.path)")
          }
        }
      }
    }
    print("theorem fixtures replayed: \(count)")
    // Not vacuous: every claim the recorded standard run refuted has a fixture here.
    let refuted = try recordedRefutations(among: ids)
    #expect(!refuted.isEmpty)
    for id in refuted { #expect(replayedClaims.contains(id), "\(id) is refuted in Proofs/verdicts.json but has no fixture") }
  }
}
