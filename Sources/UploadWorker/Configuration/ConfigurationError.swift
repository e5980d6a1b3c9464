/// A setting that is missing or wrong: printed as one line, `<VARIABLE>: <what is wrong>`.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable of the setting (also when the value came from its flag).
    public let variable: String
    public let message: String

    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }

    /// One line, whatever the message holds (control characters escaped).
    public var description: String { WorkerConfiguration.oneLine("\(variable): \(message)") }
}
