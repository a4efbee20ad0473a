/// `--shard auto`: the shard index and count from a job engine's own variables.
///
/// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based); the count is
///   not in the pod's environment, so it comes from `--shard-count N` or
///   `BGMD_SHARD_COUNT` (set it to the Job's `completions`).
/// - Slurm job array: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`, and
///   `SLURM_ARRAY_TASK_MIN` (the first id, 0 when absent): shard
///   ID − MIN + 1 of COUNT (the array must be contiguous, e.g. `--array=0-7`).
/// - GitLab parallel jobs: `CI_NODE_INDEX` (1-based), `CI_NODE_TOTAL`.
///
/// The first engine whose index variable is set decides; none set is an error.
public enum ShardEnvironment {
  /// The shard of this process.
  /// - Parameter count: the `--shard-count` value (Kubernetes only).
  /// - Throws: `ShardError` naming the variables when none is set or a value is malformed.
  public static func shard(environment: [String: String], count: Int? = nil) throws -> Shard {
    func int(_ name: String) throws -> Int? {
      guard let text = environment[name], !text.isEmpty else { return nil }
      guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else {
        throw ShardError(input: "auto", reason: "\(name)=\"\(text)\" is not an integer")
      }
      return v
    }
    if let index = try int("JOB_COMPLETION_INDEX") {
      guard let n = try count ?? int("BGMD_SHARD_COUNT") else {
        throw ShardError(input: "auto", reason: "JOB_COMPLETION_INDEX=\(index) is set (Kubernetes Indexed Job) but the count is not: "
          + "pass --shard-count N or set BGMD_SHARD_COUNT to the Job's completions")
      }
      return try Shard(index: index + 1, count: n)
    }
    if let id = try int("SLURM_ARRAY_TASK_ID") {
      guard let n = try int("SLURM_ARRAY_TASK_COUNT") else {
        throw ShardError(input: "auto", reason: "SLURM_ARRAY_TASK_ID=\(id) is set but SLURM_ARRAY_TASK_COUNT is not")
      }
      let first = try int("SLURM_ARRAY_TASK_MIN") ?? 0
      return try Shard(index: id - first + 1, count: n)
    }
    if let index = try int("CI_NODE_INDEX") {
      guard let n = try int("CI_NODE_TOTAL") else {
        throw ShardError(input: "auto", reason: "CI_NODE_INDEX=\(index) is set but CI_NODE_TOTAL is not")
      }
      return try Shard(index: index, count: n)
    }
    throw ShardError(input: "auto", reason: "no job engine's shard variables are set: expected JOB_COMPLETION_INDEX "
      + "(Kubernetes Indexed Job, with --shard-count or BGMD_SHARD_COUNT), SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
      + "(Slurm array), or CI_NODE_INDEX and CI_NODE_TOTAL (GitLab parallel); give --shard I/N otherwise")
  }

  /// `--shard` text: "auto" reads the environment, anything else is "I/N".
  public static func parse(_ text: String, environment: [String: String], count: Int? = nil) throws -> Shard {
    if text == "auto" { return try shard(environment: environment, count: count) }
    return try Shard(parsing: text)
  }
}
