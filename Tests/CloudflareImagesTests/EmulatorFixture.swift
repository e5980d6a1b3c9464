import HTTPClient
import ImagesEmulator
@testable import CloudflareImages

/// An `ImagesEmulator` served on an ephemeral loopback port, and a client of it.
enum EmulatorFixture {
    static let token = "emulator-test-token"
    static let account = "acc-emulator"

    /// Runs `body` with a started emulator and a client (its own curl transport); stops both
    /// whatever happens.
    static func with<T>(
        configure: (inout ImagesEmulator.Configuration) -> Void = { _ in },
        token: String = EmulatorFixture.token, account: String = EmulatorFixture.account,
        timeout: Duration = .seconds(15),
        _ body: (_ emulator: ImagesEmulator, _ client: ImagesClient) async throws -> T
    ) async throws -> T {
        var configuration = ImagesEmulator.Configuration()
        configuration.token = Self.token
        configuration.accountID = Self.account
        configure(&configuration)
        let emulator = ImagesEmulator(configuration: configuration)
        try emulator.start()
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        do {
            let client = try ImagesClient(
                configuration: .init(accountID: account, apiToken: token, baseURL: emulator.baseURL, requestTimeout: timeout),
                httpClient: http)
            let result = try await body(emulator, client)
            await emulator.stop(gracePeriod: .zero)
            return result
        } catch {
            await emulator.stop(gracePeriod: .zero)
            throw error
        }
    }
}

extension ImagesClient {
    /// The error of an upload that must fail (nil when it succeeded).
    func uploadError(_ request: UploadRequest) async -> ImagesAPIError? {
        do {
            _ = try await upload(request)
            return nil
        } catch {
            return error
        }
    }

    func uploadError(url: String, id: String? = nil) async -> ImagesAPIError? {
        await uploadError(UploadRequest(url: url, id: id))
    }
}
