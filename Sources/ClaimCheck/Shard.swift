/// A deterministic slice of a campaign: shard `index` of `count` (1-based).
///
/// Item with stable index `k` belongs to shard `I` iff `k mod N == I − 1`, so
/// the shards 1…N partition every set of items exactly once.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
  /// I, 1-based.
  public let index: Int
  /// N ≥ 1.
  public let count: Int

  /// The whole run.
  public static let all = Shard(uncheckedIndex: 1, count: 1)

  private init(uncheckedIndex: Int, count: Int) {
    self.index = uncheckedIndex
    self.count = count
  }

  /// Shard `index` of `count`. - Throws: `ShardError` unless 1 ≤ index ≤ count.
  public init(index: Int, count: Int) throws {
    guard count >= 1 else { throw ShardError(input: "\(index)/\(count)", reason: "N must be at least 1") }
    guard (1...count).contains(index) else {
      throw ShardError(input: "\(index)/\(count)", reason: "I must be between 1 and N")
    }
    self.init(uncheckedIndex: index, count: count)
  }

  /// Parses "I/N", e.g. "2/8".
  /// - Throws: `ShardError` naming the input and what was expected.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2 else { throw ShardError(input: text, reason: "expected I/N, e.g. 1/4") }
    guard let i = Int(parts[0]), let n = Int(parts[1]) else {
      throw ShardError(input: text, reason: "I and N must be integers")
    }
    try self.init(index: i, count: n)
  }

  /// "I/N".
  public var description: String { "\(index)/\(count)" }

  /// Whether the item with stable index `stableIndex` belongs to this shard.
  public func contains(stableIndex: UInt64) -> Bool {
    stableIndex % UInt64(count) == UInt64(index - 1)
  }

  /// Whether the claim `id` belongs to this shard (stable index: FNV-1a 64 of the id).
  public func contains(claim id: String) -> Bool {
    contains(stableIndex: Shard.stableIndex(of: id))
  }

  /// The stable index of a string: its FNV-1a 64 hash.
  public static func stableIndex(of id: String) -> UInt64 {
    UInt64(ClaimCheckJSON.fnv1a64(id.utf8), radix: 16) ?? 0
  }
}

/// A malformed `--shard` value.
public struct ShardError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The text given.
  public var input: String
  /// What is wrong with it.
  public var reason: String
  /// "invalid shard \"…\": …".
  public var description: String { "invalid shard \"\(input)\": \(reason)" }
}
