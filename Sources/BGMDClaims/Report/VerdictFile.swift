import ClaimCheck
import Foundation

/// `Proofs/verdicts.json`: the expected verdict of each claim id, per
/// profile (schema `bgmd-verdicts/1`):
///
/// ```json
/// {"schema": "bgmd-verdicts/1", "profiles": {"quick": {"lemma1/top-k": "holds"}, "standard": {…}}}
/// ```
///
/// `bgmd verify --record` rewrites the section of the run's profile;
/// `bgmd verify --strict` and `swift test` compare against it.
public struct VerdictFile: Sendable, Equatable {
  /// The schema tag.
  public static let schema = "bgmd-verdicts/1"
  /// profile → claim id → verdict.
  public var profiles: [String: [String: Verdict]]

  /// A file with the given sections.
  public init(profiles: [String: [String: Verdict]] = [:]) { self.profiles = profiles }

  /// Reads `url`; an absent file is an empty one.
  /// - Throws: `FixtureError`-style `VerdictFileError` naming the file and field.
  public static func load(_ url: URL) throws -> VerdictFile {
    guard FileManager.default.fileExists(atPath: url.path) else { return VerdictFile() }
    let data = try Data(contentsOf: url)
    let json: JSONValue
    do { json = try ClaimCheckJSON.decoder().decode(JSONValue.self, from: data) } catch {
      throw VerdictFileError(file: url.path, field: "<root>", expected: "valid JSON")
    }
    guard case .string(let s)? = json["schema"], s == schema else {
      throw VerdictFileError(file: url.path, field: "schema", expected: "\"\(schema)\"")
    }
    guard case .object(let sections)? = json["profiles"] else {
      throw VerdictFileError(file: url.path, field: "profiles", expected: "an object of profiles")
    }
    var profiles: [String: [String: Verdict]] = [:]
    for (name, section) in sections {
      guard case .object(let entries) = section else {
        throw VerdictFileError(file: url.path, field: "profiles.\(name)", expected: "an object of claim id → verdict")
      }
      var map: [String: Verdict] = [:]
      for (id, value) in entries {
        guard case .string(let text) = value, let v = Verdict(rawValue: text) else {
          throw VerdictFileError(file: url.path, field: "profiles.\(name).\(id)",
                                 expected: "one of proved, holds, refuted, inconclusive")
        }
        map[id] = v
      }
      profiles[name] = map
    }
    return VerdictFile(profiles: profiles)
  }

  /// The file's canonical text (sorted keys, final newline).
  public func encoded() throws -> Data {
    let json = JSONValue.object([
      "schema": .string(VerdictFile.schema),
      "profiles": .object(profiles.mapValues { .object($0.mapValues { .string($0.rawValue) }) }),
    ])
    var data = try ClaimCheckJSON.encoder().encode(json)
    data.append(0x0A)
    return data
  }

  /// Records the verdicts of `report` under its profile: replaces the whole
  /// section when `replaceSection` (a run of every registered claim), else
  /// only the entries of the claims in the report.
  public mutating func record(_ report: ClaimReport, replaceSection: Bool) {
    var section = replaceSection ? [:] : (profiles[report.run.profile] ?? [:])
    for c in report.claims { section[c.id] = c.verdict }
    profiles[report.run.profile] = section
  }

  /// The claims of `report` whose verdict differs from this file's section
  /// for the report's profile (a claim missing from the file differs).
  public func differences(_ report: ClaimReport) -> [VerdictDifference] {
    let section = profiles[report.run.profile] ?? [:]
    return report.claims.compactMap { c in
      let expected = section[c.id]
      return expected == c.verdict ? nil : VerdictDifference(id: c.id, expected: expected, observed: c.verdict)
    }
  }
}

/// A verdict that moved (or a claim the file does not list).
public struct VerdictDifference: Sendable, Equatable, CustomStringConvertible {
  public var id: String
  /// nil when the file has no entry for the claim.
  public var expected: Verdict?
  public var observed: Verdict

  public var description: String {
    "\(id): expected \(expected?.rawValue ?? "(not recorded)"), observed \(observed.rawValue)"
  }
}

/// A malformed `verdicts.json`.
public struct VerdictFileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var field: String
  public var expected: String
  public var description: String { "malformed verdict file \(file): field `\(field)`: expected \(expected)" }
}
