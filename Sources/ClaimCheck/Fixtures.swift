import Foundation

/// What a stored fixture asserts about its claim.
public enum FixtureExpectation: String, Sendable, Codable {
  /// The input is a counterexample: replaying it must still refute the claim.
  case refutes
  /// The input must satisfy the claim (a permanent example).
  case holds
}

/// A malformed fixture file: names the file, the field and what was expected.
public struct FixtureError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The path of the offending file.
  public var file: String
  /// The dotted field path, or `<root>` for the whole file.
  public var field: String
  /// What the field should hold.
  public var expected: String
  /// The JSON type (or "nothing") actually found.
  public var found: String

  /// An error about `field` of `file`.
  public init(file: String, field: String, expected: String, found: String) {
    self.file = file
    self.field = field
    self.expected = expected
    self.found = found
  }

  /// "malformed fixture <file>: field `<field>`: expected …, found …".
  public var description: String {
    "malformed fixture \(file): field `\(field)`: expected \(expected), found \(found)"
  }
}

/// A fixture store that cannot be written: names the directory.
public struct FixtureStoreError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The directory that could not be created or written.
  public var directory: String
  /// Why, as the system said it.
  public var reason: String

  public init(directory: String, reason: String) {
    self.directory = directory
    self.reason = reason
  }

  public var description: String { "fixture store \(directory) \(reason)" }

  /// A Foundation file error's underlying POSIX reason when there is one.
  static func reason(_ error: Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return ns.localizedDescription
  }
}

/// One counterexample or permanent example. Its file carries the
/// application's schema tag (`EngineNames.fixtureSchema`, e.g.
/// `bgmd-fixture/1`), which the store writes and checks.
public struct Fixture: Sendable, Hashable {
  /// The claim id.
  public var claim: String
  /// Whether replay must refute or satisfy the claim.
  public var expect: FixtureExpectation
  /// The input as exact values (rationals as "p/q", doubles round-trip exactly).
  public var input: JSONValue
  /// What was observed when the fixture was recorded.
  public var observed: JSONValue
  /// The choice sequence that generated the input, when known.
  public var choices: ChoiceRecord?
  /// One line for reports.
  public var summary: String?

  /// A fixture from its parts.
  public init(claim: String, expect: FixtureExpectation, input: JSONValue, observed: JSONValue,
              choices: ChoiceRecord? = nil, summary: String? = nil) {
    self.claim = claim
    self.expect = expect
    self.input = input
    self.observed = observed
    self.choices = choices
    self.summary = summary
  }

  /// The stable file name stem: FNV-1a 64 of the canonical (sorted-key) input JSON.
  public var hash: String {
    let data = (try? ClaimCheckJSON.encoder(pretty: false).encode(input)) ?? Data()
    return ClaimCheckJSON.fnv1a64(data)
  }

  /// The fixture as a JSON object tagged `schema`.
  public func json(schema: String) -> JSONValue {
    var o: [String: JSONValue] = [
      "schema": .string(schema), "claim": .string(claim), "expect": .string(expect.rawValue),
      "input": input, "observed": observed,
    ]
    if let choices {
      o["choices"] = .object(["version": .number(Double(choices.version)),
                              "values": (try? JSONValue(encoding: choices.values)) ?? .array([])])
    }
    if let summary { o["summary"] = .string(summary) }
    return .object(o)
  }

  /// The first string under `value` written as a rational "p/q" (optional
  /// sign, decimal digits) whose denominator is zero, with its dotted path:
  /// the stored values are exact, and p/0 is none.
  static func zeroDenominator(in value: JSONValue, path: String) -> (String, String)? {
    switch value {
    case .string(let text):
      let body = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
      let parts = body.split(separator: "/", omittingEmptySubsequences: false)
      let digits = { (s: Substring) in !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
      if parts.count == 2, digits(parts[0]), digits(parts[1]), parts[1].allSatisfy({ $0 == "0" }) {
        return (path, text)
      }
      return nil
    case .array(let items):
      for (i, item) in items.enumerated() {
        if let hit = zeroDenominator(in: item, path: "\(path)[\(i)]") { return hit }
      }
      return nil
    case .object(let fields):
      for key in fields.keys.sorted() {
        if let item = fields[key], let hit = zeroDenominator(in: item, path: "\(path).\(key)") { return hit }
      }
      return nil
    default:
      return nil
    }
  }

  /// Parses a fixture file's bytes, naming `file` and the first bad field
  /// on error (`<root>` when the bytes are not JSON).
  public init(data: Data, file: String, schema: String = EngineNames.default.fixtureSchema) throws {
    let json: JSONValue
    do { json = try ClaimCheckJSON.decoder().decode(JSONValue.self, from: data) } catch {
      throw FixtureError(file: file, field: "<root>", expected: "valid JSON", found: "unparseable text")
    }
    try self.init(json: json, file: file, schema: schema)
  }

  /// Parses a fixture object, naming `file` and the first bad field on error.
  public init(json: JSONValue, file: String, schema expectedSchema: String = EngineNames.default.fixtureSchema) throws {
    func fail(_ field: String, _ expected: String, _ found: JSONValue?) -> FixtureError {
      FixtureError(file: file, field: field, expected: expected, found: found?.typeName ?? "nothing")
    }
    guard case .object(let o) = json else { throw fail("<root>", "a JSON object", json) }
    guard case .string(let schema) = o["schema"], schema == expectedSchema else {
      throw fail("schema", "\"\(expectedSchema)\"", o["schema"])
    }
    guard case .string(let claim) = o["claim"], !claim.isEmpty else { throw fail("claim", "a non-empty string", o["claim"]) }
    guard case .string(let e) = o["expect"], let expect = FixtureExpectation(rawValue: e) else {
      throw fail("expect", "\"refutes\" or \"holds\"", o["expect"])
    }
    guard let input = o["input"] else { throw fail("input", "a JSON value", nil) }
    guard let observed = o["observed"] else { throw fail("observed", "a JSON value", nil) }
    for (name, value) in [("input", input), ("observed", observed)] {
      if let (path, text) = Fixture.zeroDenominator(in: value, path: name) {
        throw FixtureError(file: file, field: path, expected: "a rational \"p/q\" with q ≠ 0", found: "\"\(text)\"")
      }
    }
    var record: ChoiceRecord?
    if let c = o["choices"], c != .null {
      guard case .number(let v) = c["version"], v == Double(ChoiceRecord.currentVersion) else {
        throw fail("choices.version", "\(ChoiceRecord.currentVersion)", c["version"])
      }
      guard case .array = c["values"], let values = c["values"],
        let data = try? ClaimCheckJSON.encoder(pretty: false).encode(values),
        let decoded = try? ClaimCheckJSON.decoder().decode([ChoiceValue].self, from: data)
      else { throw fail("choices.values", "an array of {int|float|rational|bool} objects", c["values"]) }
      record = ChoiceRecord(values: decoded)
    }
    var summary: String?
    if let s = o["summary"], s != .null {
      guard case .string(let text) = s else { throw fail("summary", "a string", s) }
      summary = text
    }
    self.init(claim: claim, expect: expect, input: input, observed: observed, choices: record, summary: summary)
  }
}

/// A fixture with the file it came from.
public struct StoredFixture: Sendable {
  /// The file the fixture was read from.
  public var url: URL
  /// Its parsed content.
  public var fixture: Fixture
}

/// The directory of counterexamples: `<root>/<claim-id>/<hash>.json`, claim ids
/// with slashes mapped to nested directories.
public struct FixtureStore: Sendable {
  /// The directory that holds one folder per claim (e.g. `fixtures/counterexamples`).
  public var root: URL
  /// The schema tag the store writes and expects (`EngineNames.fixtureSchema`).
  public var schema: String

  /// A store rooted at `root` (created on first write) for the application `names`.
  public init(root: URL, names: EngineNames = .default) {
    self.root = root
    self.schema = names.fixtureSchema
  }

  /// Creates the root if needed and writes and removes a probe file in it,
  /// so a store that cannot take a counterexample is reported before a
  /// campaign runs instead of losing one when it is found.
  /// - Throws: `FixtureStoreError` naming the directory and the reason.
  public func checkWritable() throws {
    do {
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    } catch {
      var ancestor = root.deletingLastPathComponent()
      while !FileManager.default.fileExists(atPath: ancestor.path) && ancestor.path != "/" {
        ancestor = ancestor.deletingLastPathComponent()
      }
      let where_ = FileManager.default.isWritableFile(atPath: ancestor.path)
        ? "" : "; \(ancestor.path) is not writable"
      throw FixtureStoreError(
        directory: root.path, reason: "cannot be created (\(FixtureStoreError.reason(error))\(where_))")
    }
    let probe = root.appendingPathComponent(".write-probe-\(ProcessInfo.processInfo.processIdentifier)")
    guard FileManager.default.createFile(atPath: probe.path, contents: Data()) else {
      throw FixtureStoreError(directory: root.path, reason: "is not writable (\(String(cString: strerror(errno))))")
    }
    try? FileManager.default.removeItem(at: probe)
  }

  /// The folder of `claim`; rejects empty, `.` and `..` path components.
  public func directory(for claim: String) throws -> URL {
    let parts = claim.split(separator: "/", omittingEmptySubsequences: false)
    guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
      throw FixtureError(file: root.path, field: "claim", expected: "an id like `lemma1/top-k`", found: "\"\(claim)\"")
    }
    return parts.reduce(root) { $0.appendingPathComponent(String($1), isDirectory: true) }
  }

  /// Writes `fixture` atomically (temporary file in the same folder, then
  /// rename) and returns its path. Rewriting the same input replaces the file.
  @discardableResult
  public func write(_ fixture: Fixture) throws -> URL {
    let dir = try directory(for: fixture.claim)
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    } catch {
      throw FixtureStoreError(directory: dir.path, reason: "cannot be created (\(FixtureStoreError.reason(error)))")
    }
    let target = dir.appendingPathComponent("\(fixture.hash).json")
    let temp = dir.appendingPathComponent(".\(fixture.hash).json.tmp-\(ProcessInfo.processInfo.processIdentifier)")
    // A rewrite of the same input keeps what the file held and this
    // fixture lacks (the choice sequence, the summary): a counterexample
    // found again without its choices must not lose them.
    var merged = fixture
    if let data = try? Data(contentsOf: target), let old = try? Fixture(data: data, file: target.path, schema: schema),
       old.claim == fixture.claim, old.input == fixture.input {
      if merged.choices == nil { merged.choices = old.choices }
      if merged.summary == nil { merged.summary = old.summary }
    }
    var data = try ClaimCheckJSON.encoder().encode(merged.json(schema: schema))
    data.append(0x0A)
    do {
      try data.write(to: temp)
    } catch {
      throw FixtureStoreError(directory: dir.path, reason: "cannot take \(target.lastPathComponent) (\(FixtureStoreError.reason(error)))")
    }
    guard rename(temp.path, target.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temp)
      throw FixtureStoreError(directory: dir.path, reason: "cannot take \(target.lastPathComponent) (\(reason))")
    }
    return target
  }

  /// Encodes `input` and `observed` exactly and writes the fixture.
  @discardableResult
  public func write(claim: String, expect: FixtureExpectation, input: some Encodable, observed: some Encodable,
                    choices: [Choice]? = nil, summary: String? = nil) throws -> URL {
    let fixture = Fixture(claim: claim, expect: expect, input: try JSONValue(encoding: input),
                          observed: try JSONValue(encoding: observed),
                          choices: choices.map { ChoiceRecord(choices: $0) }, summary: summary)
    return try write(fixture)
  }

  /// Loads the fixtures of `claim` (not of nested claims), sorted by file name.
  ///
  /// - Throws: `FixtureError` for the first malformed file.
  public func load(claim: String) throws -> [StoredFixture] {
    let dir = try directory(for: claim)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
    return try names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
      let url = dir.appendingPathComponent(name)
      let data = try Data(contentsOf: url)
      let fixture = try Fixture(data: data, file: url.path, schema: schema)
      guard fixture.claim == claim else {
        throw FixtureError(file: url.path, field: "claim", expected: "\"\(claim)\" (its folder)", found: "\"\(fixture.claim)\"")
      }
      return StoredFixture(url: url, fixture: fixture)
    }
  }

  /// Replays every stored fixture of `claim` through `replay`, which returns
  /// whether the claim held on the fixture's input; returns the fixtures that
  /// no longer do what they record (a `refutes` fixture that now holds, or the reverse).
  public func replay(claim: String, _ replay: (Fixture) throws -> Bool) throws -> [StoredFixture] {
    try load(claim: claim).filter { stored in
      let held = try replay(stored.fixture)
      return held != (stored.fixture.expect == .holds)
    }
  }
}
