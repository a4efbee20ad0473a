import Testing
@testable import BGMD

@Suite struct BGMDSmokeTests {
  @Test func moduleLoads() {
    // Replaced by the module's own tests as it is filled.
    #expect(String(describing: Matrix<Double>.self).isEmpty == false)
  }
}
