/// Why `UploadWorkerService.run()` returned, and the process exit code that says so.
///
/// | exit code | termination |
/// |---|---|
/// | 0 | `graceful`: SIGTERM/SIGINT (or `shutdown()`), drained and committed |
/// | 1 | (not a termination) the worker could not start: store, Kafka client or monitoring server |
/// | 2 | (not a termination) invalid configuration, reported before connecting anywhere |
/// | 3 | `apiConfigurationProblem`: the Images API refused the token or the account (401/403, or an upload answered "not found") |
/// | 4 | `kafkaFatal`: the producer or consumer raised a fatal error, or an event could not be published |
public enum WorkerTermination: Sendable, Equatable, CustomStringConvertible {
    /// A requested shutdown that drained (records past the deadline are left uncommitted).
    case graceful
    /// No record can succeed until an operator fixes the Cloudflare settings; the record that
    /// found out was neither published nor committed.
    case apiConfigurationProblem(String)
    /// Kafka cannot be used any more (fatal error, or an event the broker will not take).
    case kafkaFatal(String)

    public var exitCode: Int32 {
        switch self {
        case .graceful: return 0
        case .apiConfigurationProblem: return 3
        case .kafkaFatal: return 4
        }
    }

    public var description: String {
        switch self {
        case .graceful: return "graceful shutdown"
        case .apiConfigurationProblem(let why): return "Cloudflare API configuration problem: \(why)"
        case .kafkaFatal(let why): return "fatal Kafka error: \(why)"
        }
    }
}
