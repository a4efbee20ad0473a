import Foundation
import Testing
@testable import ClaimCheck
import TestSupport

/// Fixture stores and fixture files under hostile conditions: a rewrite
/// that must not lose fields, stores that cannot be written, values that
/// are not exact numbers.
@Suite struct HostileFixtureTests {
  @Test func aRewriteOfTheSameInputKeepsItsChoicesAndSummary() throws {
    let dir = temporaryDirectory("claimcheck-hostile", create: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let store = FixtureStore(root: dir)
    let choices = [Choice(kind: .integer(min: 0, max: 9, shrinkTowards: 0), value: .integer(3))]
    let first = try store.write(claim: "lemma1/x", expect: .refutes, input: [1, 2], observed: ["ratio": 2.0],
                                choices: choices, summary: "ratio 2")
    // The same counterexample found again by a phase that has no choice
    // sequence (e.g. an exhaustive enumeration).
    let second = try store.write(claim: "lemma1/x", expect: .refutes, input: [1, 2], observed: ["ratio": 2.5])
    #expect(first == second)
    let stored = try #require(try store.load(claim: "lemma1/x").first?.fixture)
    #expect(stored.choices?.values == choices.map(\.value))
    #expect(stored.summary == "ratio 2")
    #expect(stored.observed == (try JSONValue(encoding: ["ratio": 2.5])))
  }

  @Test func anUnwritableStoreIsAnErrorNamingTheDirectory() throws {
    let dir = temporaryDirectory("claimcheck-hostile", create: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let blocker = dir.appendingPathComponent("file")
    try Data("x".utf8).write(to: blocker)
    let store = FixtureStore(root: blocker.appendingPathComponent("store"))
    #expect(throws: FixtureStoreError.self) { try store.checkWritable() }
    do {
      try store.write(claim: "a/b", expect: .refutes, input: 1, observed: 2)
      Issue.record("a write under a regular file succeeded")
    } catch let error as FixtureStoreError {
      #expect(error.directory.hasPrefix(blocker.path) && error.description.contains(blocker.path))
    }
    try FixtureStore(root: dir.appendingPathComponent("fine")).checkWritable()
  }

  @Test func aRationalWithDenominatorZeroIsMalformed() throws {
    for (field, value) in [("observed", #"{"ratio": "1/0"}"#), ("input", #"[["-3/00"]]"#)] {
      let text = #"{"schema": "claimcheck-fixture/1", "claim": "a/b", "expect": "refutes", "input": 1, "observed": 2}"#
        .replacingOccurrences(of: #""\#(field)": \#(field == "input" ? "1" : "2")"#, with: #""\#(field)": \#(value)"#)
      #expect(throws: FixtureError.self, "\(field)") { try Fixture(data: Data(text.utf8), file: "f.json") }
      do {
        _ = try Fixture(data: Data(text.utf8), file: "f.json")
      } catch let error as FixtureError {
        #expect(error.field.hasPrefix(field) && error.found.contains("/0"), "\(error)")
      }
    }
    // "1/2", "0/1" and strings that are not rationals are fine.
    let fine = #"{"schema": "claimcheck-fixture/1", "claim": "a/b", "expect": "holds", "input": ["1/2", "0/1", "a/0b"], "observed": "x/0"}"#
    _ = try Fixture(data: Data(fine.utf8), file: "f.json")
  }
}
