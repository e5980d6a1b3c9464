import Foundation
import HTTPServer
@testable import ImagesEmulator

/// Builds requests for an emulator and reads its answers, without a server in between.
struct EmulatorHarness {
    static let token = "test-token"
    static let account = "023e105f4ecef8ad9ca31a8372d0c353"
    /// A port nobody listens on: only used to make `/origin/` URLs that the emulator answers in
    /// process (the server tests use the bound port).
    static let inProcessPort = 65_001

    let emulator: ImagesEmulator

    init(configure: (inout ImagesEmulator.Configuration) -> Void = { _ in }) {
        var config = ImagesEmulator.Configuration()
        config.token = Self.token
        config.accountID = Self.account
        config.port = Self.inProcessPort
        configure(&config)
        emulator = ImagesEmulator(configuration: config)
    }

    var origin: String { "http://127.0.0.1:\(Self.inProcessPort)/origin" }
    static var imagesPath: String { "/client/v4/accounts/\(account)/images/v1" }

    /// A multipart upload with these fields, in order.
    func upload(_ fields: [(String, String)], headers: [(String, String)]? = nil) async -> HTTPResponse {
        await emulator.handle(Self.uploadRequest(fields, headers: headers))
    }

    func get(_ id: String) async -> HTTPResponse {
        await emulator.handle(HTTPRequest(method: "GET", path: Self.imagesPath + "/" + Self.encodePathSegment(id),
                                          headers: [("Authorization", "Bearer \(Self.token)")]))
    }

    static func uploadRequest(_ fields: [(String, String)], headers: [(String, String)]? = nil,
                              file: (name: String, bytes: [UInt8])? = nil) -> HTTPRequest {
        let boundary = "----emulator-test-\(UInt32.random(in: 0...UInt32.max))"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        let h = headers ?? [("Authorization", "Bearer \(token)")]
        return HTTPRequest(method: "POST", path: imagesPath,
                           headers: h + [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body)
    }

    static func encodePathSegment(_ s: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

/// The parts of an answer tests look at.
struct Answer {
    let status: Int
    let json: [String: Any]
    let dropped: Bool

    init(_ r: HTTPResponse) {
        status = r.status
        dropped = r.dropsConnection
        json = (try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any] ?? [:]
    }

    var success: Bool? { json["success"] as? Bool }
    var result: [String: Any]? { json["result"] as? [String: Any] }
    var errorCodes: [Int] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? Int } }
    var firstCode: Int? { errorCodes.first }
}

extension HTTPResponse {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
