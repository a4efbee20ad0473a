import ClaimCheck
import Foundation

/// One input: bytes as a fixture file. A fixture that parses must survive
/// its own round trip (written JSON parses back to the same fixture);
/// anything else throws a `FixtureError`. Never traps.
/// The suite's fixture schema tag, as in the seed corpus.
let schema = "bgmd-fixture/1"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFixture(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let data = start.map { Data(bytes: $0, count: count) } ?? Data()
  guard let fixture = try? Fixture(data: data, file: "fuzz.json", schema: schema) else { return 0 }
  _ = fixture.hash
  guard let encoded = try? ClaimCheckJSON.encoder().encode(fixture.json(schema: schema)) else { return 0 }
  let again = try? Fixture(data: encoded, file: "fuzz.json", schema: schema)
  precondition(again?.claim == fixture.claim && again?.expect == fixture.expect && again?.choices == fixture.choices,
               "a parsed fixture does not survive its round trip")
  return 0
}
