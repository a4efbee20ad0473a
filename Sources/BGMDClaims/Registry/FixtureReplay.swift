import ClaimCheck
import Foundation

/// Replays stored fixtures through the family that owns the claim id
/// (`ClaimFamily.replay`, found by `ClaimRegistry.family(owning:)`).
public enum FixtureReplay {
  /// Whether `fixture` still does what it records.
  /// - Throws: `FixtureReplayError.noReplayer` for an unknown prefix; the
  ///   family's errors (e.g. `FixtureInputError` for a malformed input).
  public static func replay(_ fixture: Fixture) throws -> Bool {
    guard let replayer = ClaimRegistry.family(owning: fixture.claim)?.replay else {
      throw FixtureReplayError.noReplayer(claim: fixture.claim)
    }
    return try replayer(fixture)
  }

  /// Every fixture file under `paths` (files as given; directories searched
  /// recursively for `*.json`, hidden files skipped), sorted.
  public static func files(under paths: [URL]) -> [URL] {
    var out: [URL] = []
    for url in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        out.append(url)  // reported as unreadable by `replay(file:)`
        continue
      }
      if !isDirectory.boolValue {
        out.append(url)
        continue
      }
      let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil,
                                                      options: [.skipsHiddenFiles])
      while let next = enumerator?.nextObject() as? URL {
        if next.pathExtension == "json" { out.append(next) }
      }
    }
    return out.map(\.standardizedFileURL).sorted { $0.path < $1.path }
  }

  /// The outcome of replaying one file.
  public struct Outcome: Sendable {
    /// The fixture file.
    public var file: URL
    /// The parsed fixture (nil when the file is malformed).
    public var fixture: Fixture?
    /// Whether the fixture still does what it records.
    public var ok: Bool
    /// Why not, or "refutes as recorded" / "holds as recorded".
    public var message: String
    /// What happened: replayed as recorded, replayed but no longer as
    /// recorded (stale), not a valid fixture (malformed), not there or not
    /// readable, or the replay itself stopped on an error.
    public enum Kind: String, Sendable { case ok, stale, malformed, unreadable, error }
    /// See `Kind`.
    public var kind: Kind

    public init(file: URL, fixture: Fixture?, ok: Bool, message: String, kind: Kind? = nil) {
      self.file = file
      self.fixture = fixture
      self.ok = ok
      self.message = message
      self.kind = kind ?? (ok ? .ok : .stale)
    }
  }

  /// Replays one file: parses it (errors name the file and field) and
  /// runs its family's replayer.
  public static func replay(file: URL, conformanceTarget: ConformanceTarget? = nil) -> Outcome {
    let fixture: Fixture
    guard FileManager.default.fileExists(atPath: file.path) else {
      return Outcome(file: file, fixture: nil, ok: false, message: "\(file.path): no such file or directory",
                     kind: .unreadable)
    }
    do {
      let data = try Data(contentsOf: file)
      fixture = try Fixture(data: data, file: file.path, schema: ClaimRegistry.names.fixtureSchema)
    } catch let error as FixtureError {
      return Outcome(file: file, fixture: nil, ok: false, message: error.description, kind: .malformed)
    } catch {
      return Outcome(file: file, fixture: nil, ok: false,
                     message: "\(file.path): cannot be read (\((error as NSError).localizedDescription))", kind: .unreadable)
    }
    do {
      let ok: Bool
      if fixture.claim.hasPrefix("conformance/") {
        // Conformance fixtures are about an external program: replayed against --exec.
        guard let target = conformanceTarget else {
          return Outcome(file: file, fixture: fixture, ok: false,
                         message: "a conformance fixture: replay it against the program with --exec CMD")
        }
        ok = try ConformanceFixtures.replay(fixture, target: target)
      } else {
        ok = try replay(fixture)
      }
      let message = ok
        ? (fixture.expect == .refutes ? "still refutes the claim, as recorded" : "still satisfies the claim, as recorded")
        : (fixture.expect == .refutes ? "recorded as a counterexample (expect: refutes) but no longer refutes the claim"
            : "recorded as satisfying the claim (expect: holds) but no longer does")
      return Outcome(file: file, fixture: fixture, ok: ok, message: message, kind: ok ? .ok : .stale)
    } catch let error as FixtureInputError {
      return Outcome(file: file, fixture: fixture, ok: false,
                     message: "malformed fixture \(file.path): field `\(error.field)`: \(error.expected)", kind: .malformed)
    } catch {
      return Outcome(file: file, fixture: fixture, ok: false, message: "\(file.path): \(error)", kind: .error)
    }
  }

  /// Replays every fixture under `paths`.
  public static func replayAll(_ paths: [URL], conformanceTarget: ConformanceTarget? = nil) -> [Outcome] {
    files(under: paths).map { replay(file: $0, conformanceTarget: conformanceTarget) }
  }

  /// Decodes `value` (a fixture's `input` or `observed`) as `T`, mapping a
  /// decoding failure to a `FixtureInputError` that names the field
  /// (`root` followed by the coding path).
  public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, field root: String = "input") throws -> T {
    let data = try ClaimCheckJSON.encoder(pretty: false).encode(value)
    do { return try ClaimCheckJSON.decoder().decode(T.self, from: data) } catch let error as DecodingError {
      func path(_ keys: [any CodingKey]) -> String {
        keys.reduce(root) { p, k in k.intValue.map { "\(p)[\($0)]" } ?? "\(p).\(k.stringValue)" }
      }
      switch error {
      case let .keyNotFound(key, context):
        throw FixtureInputError(field: path(context.codingPath + [key]), expected: "a value (missing)")
      case let .typeMismatch(t, context):
        throw FixtureInputError(field: path(context.codingPath), expected: "a value of type \(t)")
      case let .valueNotFound(t, context):
        throw FixtureInputError(field: path(context.codingPath), expected: "a value of type \(t) (found null)")
      case let .dataCorrupted(context):
        throw FixtureInputError(field: path(context.codingPath), expected: context.debugDescription)
      @unknown default:
        throw FixtureInputError(field: root, expected: "\(error)")
      }
    }
  }
}

/// A fixture whose input cannot be replayed: the field and what was expected.
public struct FixtureInputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// e.g. `input.gradients[0][1]`.
  public var field: String
  /// What the field should hold.
  public var expected: String
  public init(field: String, expected: String) {
    self.field = field
    self.expected = expected
  }
  public var description: String { "field `\(field)`: expected \(expected)" }
}

/// Why a fixture cannot be replayed at all.
public enum FixtureReplayError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No family replays this claim id.
  case noReplayer(claim: String)

  public var description: String {
    switch self {
    case let .noReplayer(claim):
      return "no replayer for claim `\(claim)`: its family does not replay fixtures yet"
    }
  }
}
