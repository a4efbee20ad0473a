import Testing
@testable import ClaimCheck

@Suite struct ClaimCheckSmokeTests {
  @Test func moduleLoads() {
    // Replaced by the module's own tests as it is filled.
    #expect(String(describing: ClaimCheck.self).isEmpty == false)
  }
}
