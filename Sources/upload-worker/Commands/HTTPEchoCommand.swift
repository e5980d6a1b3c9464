import Foundation
import HTTPServer

/// `upload-worker http-echo`: a bare HTTPServer for benchmarks (hidden). Prints
/// `listening on HOST:PORT` on one line, then serves until SIGINT/SIGTERM.
enum HTTPEchoCommand: Command {
    static let name = "http-echo"
    static let abstract = "Serve a tiny echo API (for benchmarks)."
    static let isHidden = true
    static let options: [Option] = [
        .value("listen", "host:port", default: "127.0.0.1:0", help: "Address to bind; port 0 picks one."),
        .value("io-threads", "n", default: "1", help: "libmicrohttpd I/O threads."),
    ]

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        let (host, port) = try parseListen(options["listen"] ?? "127.0.0.1:0")
        let ioThreads = try options.value("io-threads", default: 1) { Int($0).flatMap { $0 >= 1 ? $0 : nil } }
        let server = HTTPServer(
            configuration: .init(host: host, port: port, ioThreads: ioThreads),
            router: echoRouter()
        )
        try server.start()
        // Unbuffered, so that a parent reading the pipe sees it at once.
        FileHandle.standardOutput.write(Data("listening on \(host):\(server.port)\n".utf8))
        _ = await ShutdownSignal.wait()
        await server.shutdown(gracePeriod: .seconds(1))
        return 0
    }

    /// `GET /hello` answers a few bytes; `POST /echo` answers the body it got.
    static func echoRouter() -> HTTPRouter {
        var router = HTTPRouter()
        router.get("/hello") { _ in .text(200, "hello\n") }
        router.post("/echo") { request in
            HTTPResponse(status: 200, headers: [("Content-Type", "application/octet-stream")], body: request.body)
        }
        return router
    }

    static func parseListen(_ value: String) throws(UsageError) -> (String, Int) {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]), (0...65535).contains(port) else {
            throw UsageError("invalid value '\(value)' for '--listen' (expected host:port)")
        }
        var host = String(value[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
