import ArgumentParser
import BGMDClaims
import ClaimCheck
import Foundation

/// The settings every campaign command resolves the same way: the profile
/// (`--profile`, else `BGMD_PROFILE`, else the command's default), the run
/// seed (`--seed`, else `BGMD_SEED`, else 1), the shard (`I/N` or `auto`
/// from the job engine's variables) and the thread count.
struct CampaignSettings {
  var profile: Profile
  var seed: UInt64
  var shard: Shard

  /// Resolves the options, with errors phrased as the option that was wrong.
  /// - Throws: `ValidationError` for a bad profile, shard or job count;
  ///   `ConfigurationError` for a bad environment variable.
  init(profile text: String?, defaultProfile: Profile, seed: UInt64?, shard: String, shardCount: Int?, jobs: Int?) throws {
    if let text {
      guard let p = Profile(rawValue: text.lowercased()) else {
        throw ValidationError("--profile \(text): expected quick, standard or deep")
      }
      profile = p
    } else {
      profile = try Profile.fromEnvironment(default: defaultProfile, names: ClaimRegistry.names)
    }
    self.seed = try seed ?? runSeed(default: 1, names: ClaimRegistry.names)
    do {
      self.shard = try ShardEnvironment.parse(shard, environment: ProcessInfo.processInfo.environment, count: shardCount)
    } catch { throw ValidationError("--shard: \(error)") }
    try OptionRange.atLeast("jobs", jobs, 1)
  }
}
