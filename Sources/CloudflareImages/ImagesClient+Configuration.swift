import Logging

extension ImagesClient {
    /// Where and as whom the client calls the API. Printing it never shows the token.
    public struct Configuration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        /// The real API.
        public static let defaultBaseURL = "https://api.cloudflare.com/client/v4"

        /// The Cloudflare account ID (the `{account_id}` of the paths).
        public var accountID: String
        /// An API token with the "Images Write" permission, sent as `Authorization: Bearer <token>`.
        public var apiToken: String
        /// The API's base URL, http or https, without a trailing `/` (one is removed).
        /// Default: `https://api.cloudflare.com/client/v4`.
        public var baseURL: String
        /// The limit of one whole call: connect, send, Cloudflare fetching the source, answer.
        /// Generous because an upload by URL waits for Cloudflare to fetch the image; a timed-out
        /// upload is retried and may have succeeded, so a short timeout invites duplicates.
        /// Default: 60 seconds.
        public var requestTimeout: Duration
        /// The `User-Agent` header. Default: `upload-worker`.
        public var userAgent: String

        public init(
            accountID: String, apiToken: String, baseURL: String = Configuration.defaultBaseURL,
            requestTimeout: Duration = .seconds(60), userAgent: String = "upload-worker"
        ) {
            self.accountID = accountID
            self.apiToken = apiToken
            self.baseURL = baseURL
            self.requestTimeout = requestTimeout
            self.userAgent = userAgent
        }

        public var description: String {
            "ImagesClient.Configuration(accountID: \(accountID), apiToken: <redacted>, baseURL: \(Redaction.url(baseURL)), requestTimeout: \(requestTimeout), userAgent: \(userAgent))"
        }

        public var debugDescription: String { description }

        public var customMirror: Mirror {
            Mirror(self, children: [
                "accountID": accountID, "apiToken": "<redacted>", "baseURL": Redaction.url(baseURL),
                "requestTimeout": requestTimeout, "userAgent": userAgent,
            ])
        }

        /// Throws the first setting that cannot work. The message never contains the token.
        public func validate() throws(ConfigurationError) {
            if accountID.isEmpty { throw ConfigurationError(setting: "accountID", problem: "is empty") }
            if accountID.unicodeScalars.contains(where: { Self.isSpaceOrControl($0) || $0 == "/" }) {
                throw ConfigurationError(setting: "accountID", problem: "contains whitespace, control characters or /")
            }
            if apiToken.isEmpty { throw ConfigurationError(setting: "apiToken", problem: "is empty") }
            if apiToken.unicodeScalars.contains(where: Self.isSpaceOrControl) {
                throw ConfigurationError(setting: "apiToken", problem: "contains whitespace or control characters (a trailing newline from a token file?)")
            }
            if userAgent.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw ConfigurationError(setting: "userAgent", problem: "contains control characters")
            }
            if requestTimeout <= .zero { throw ConfigurationError(setting: "requestTimeout", problem: "must be positive") }
            if let problem = UploadRequest.urlProblem(baseURL) {
                throw ConfigurationError(setting: "baseURL", problem: problem.replacingOccurrences(of: "url", with: "the base URL"))
            }
            if baseURL.contains("?") || baseURL.contains("#") {
                throw ConfigurationError(setting: "baseURL", problem: "must not have a query or fragment")
            }
        }

        private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value <= 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
        }
    }

    /// A configuration that cannot work, found when the client is made.
    public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The `Configuration` property at fault.
        public var setting: String
        public var problem: String

        public init(setting: String, problem: String) {
            self.setting = setting
            self.problem = problem
        }

        public var description: String { "\(setting) \(problem)" }
    }
}
