import Testing
@testable import BGMDClaims

@Suite struct BGMDClaimsSmokeTests {
  @Test func moduleLoads() {
    // Replaced by the module's own tests as it is filled.
    #expect(String(describing: ClaimRegistry.self).isEmpty == false)
  }
}
