import Foundation
import HTTPClient

/// The `http` benchmark suite: both HTTP clients against an `http-echo` server in a child process,
/// so that the client's CPU (getrusage of this process) and the server's (/proc/<pid>/stat) are
/// measured apart. Prints a table (clients side by side) and one JSON line.
enum HTTPBench {
    static let suite = BenchSuite(
        name: "http", abstract: "curl vs URLSession: requests/s and client CPU per request against a local server",
        run: { options in
            let seconds = try options.value("seconds", default: 2.0) { Double($0).flatMap { $0 > 0 ? $0 : nil } }
            let concurrencies = try options.value("concurrency", default: [1, 64, 256]) { text in
                let values = text.split(separator: ",").compactMap { Int($0) }
                return values.isEmpty || values.contains { $0 < 1 } ? nil : values
            }
            let clients = try options.value("clients", default: Client.allCases) { text in
                let values = text.split(separator: ",").map { name in Client.allCases.first { $0.rawValue.lowercased() == name.lowercased() } }
                return values.contains(nil) || values.isEmpty ? nil : values.compactMap { $0 }
            }
            let status = try await run(duration: .milliseconds(Int(seconds * 1000)), concurrencies: concurrencies, clients: clients)
            if status != 0 { throw EchoServerError(message: "some requests failed (see the errors columns)") }
        }
    )

    enum Client: String, CaseIterable, Sendable {
        case curl
        case urlSession = "URLSession"

        func make(maxConnectionsPerHost: Int) -> any HTTPClient {
            switch self {
            case .curl: CurlHTTPClient(configuration: .init(maxConnectionsPerHost: maxConnectionsPerHost))
            case .urlSession: URLSessionHTTPClient(maxConnectionsPerHost: maxConnectionsPerHost)
            }
        }
    }

    enum Workload: String, CaseIterable, Sendable {
        /// A tiny GET, comparable to the notes' nginx figures.
        case get = "GET /hello"
        /// A POST of 512 bytes answered with the same 512 bytes, closer to an upload call.
        case post = "POST /echo 512B"

        func request(base: String) -> HTTPClientRequest {
            switch self {
            case .get: HTTPClientRequest(url: base + "/hello", timeout: .seconds(10))
            case .post:
                HTTPClientRequest(
                    method: "POST", url: base + "/echo",
                    headers: [("Content-Type", "application/octet-stream")],
                    body: Array(repeating: UInt8(ascii: "x"), count: 512), timeout: .seconds(10)
                )
            }
        }
    }

    struct Cell: Sendable {
        var workload: Workload
        var client: Client
        var concurrency: Int
        var requests: Int
        var errors: Int
        var seconds: Double
        var clientCPUSeconds: Double
        var serverCPUSeconds: Double

        var requestsPerSecond: Double { Double(requests) / seconds }
        var clientMicrosPerRequest: Double { requests == 0 ? 0 : clientCPUSeconds * 1e6 / Double(requests) }
        var serverMicrosPerRequest: Double { requests == 0 ? 0 : serverCPUSeconds * 1e6 / Double(requests) }
    }

    /// Runs every workload x client x concurrency for `duration` each (after a short warm-up).
    static func run(
        duration: Duration = .seconds(2),
        concurrencies: [Int] = [1, 64, 256],
        workloads: [Workload] = Workload.allCases,
        clients: [Client] = Client.allCases,
        json: Bool = true
    ) async throws -> Int32 {
        let server = try await EchoServerProcess.start()
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        print("http bench: both clients against `upload-worker http-echo` (pid \(server.pid), its own process) on \(base),")
        print("\(ProcessInfo.processInfo.activeProcessorCount) cores, \(duration) per cell after a warm-up; CPU = user + system.")

        var cells: [Cell] = []
        for workload in workloads {
            for concurrency in concurrencies {
                for client in clients {
                    let cell = try await measure(client, workload, concurrency: concurrency, duration: duration, base: base, server: server)
                    cells.append(cell)
                }
            }
        }
        print(table(cells))
        if json { print(jsonLine(cells)) }
        return cells.contains { $0.errors > 0 || $0.requests == 0 } ? 1 : 0
    }

    private static func measure(
        _ kind: Client, _ workload: Workload, concurrency: Int, duration: Duration, base: String, server: EchoServerProcess
    ) async throws -> Cell {
        let client = kind.make(maxConnectionsPerHost: max(concurrency, 1))
        defer { client.shutdown() }
        let request = workload.request(base: base)
        // Warm-up: open the connections, fault in the code paths.
        _ = await drive(client, request, concurrency: concurrency, for: .milliseconds(300))

        let cpuBefore = processCPUSeconds()
        let serverBefore = server.cpuSeconds()
        let start = ContinuousClock.now
        let (requests, errors) = await drive(client, request, concurrency: concurrency, for: duration)
        let elapsed = ContinuousClock.now - start
        let cpuAfter = processCPUSeconds()
        let serverAfter = server.cpuSeconds()
        return Cell(
            workload: workload, client: kind, concurrency: concurrency, requests: requests, errors: errors,
            seconds: elapsed.seconds, clientCPUSeconds: cpuAfter - cpuBefore, serverCPUSeconds: serverAfter - serverBefore
        )
    }

    /// `concurrency` loops, each sending `request` one after the other until the time is up.
    private static func drive(_ client: any HTTPClient, _ request: HTTPClientRequest, concurrency: Int, for duration: Duration) async -> (Int, Int) {
        let deadline = ContinuousClock.now + duration
        return await withTaskGroup(of: (Int, Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var ok = 0
                    var failed = 0
                    while ContinuousClock.now < deadline {
                        do {
                            let response = try await client.execute(request)
                            if response.status == 200 { ok += 1 } else { failed += 1 }
                        } catch {
                            failed += 1
                        }
                    }
                    return (ok, failed)
                }
            }
            var total = (0, 0)
            for await (ok, failed) in group {
                total.0 += ok
                total.1 += failed
            }
            return total
        }
    }

    private static func table(_ cells: [Cell]) -> String {
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        var lines: [String] = []
        let clients = Client.allCases.filter { client in cells.contains { $0.client == client } }
        let header = pad("workload", 16) + pad("conc", 6) + " |" + clients.map {
            pad("\($0.rawValue) req/s", 18) + pad("CPU µs/req", 12) + pad("server µs/req", 15) + pad("errors", 8) + " |"
        }.joined()
        lines.append(header)
        lines.append(String(repeating: "-", count: header.count))
        let groups = Dictionary(grouping: cells) { "\($0.workload.rawValue)|\($0.concurrency)" }
        var seen = Set<String>()
        for cell in cells {
            let key = "\(cell.workload.rawValue)|\(cell.concurrency)"
            guard seen.insert(key).inserted, let row = groups[key] else { continue }
            var line = pad(cell.workload.rawValue, 16) + pad("\(cell.concurrency)", 6) + " |"
            for client in clients {
                guard let c = row.first(where: { $0.client == client }) else { continue }
                line += pad(String(format: "%.0f", c.requestsPerSecond), 18)
                line += pad(String(format: "%.0f", c.clientMicrosPerRequest), 12)
                line += pad(String(format: "%.0f", c.serverMicrosPerRequest), 15)
                line += pad("\(c.errors)", 8) + " |"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    private static func jsonLine(_ cells: [Cell]) -> String {
        let items = cells.map { c in
            "{\"workload\":\"\(c.workload.rawValue)\",\"client\":\"\(c.client.rawValue)\",\"concurrency\":\(c.concurrency)"
                + ",\"requests\":\(c.requests),\"errors\":\(c.errors)"
                + ",\"requests_per_second\":\(Int(c.requestsPerSecond.rounded()))"
                + ",\"client_cpu_us_per_request\":\(Int(c.clientMicrosPerRequest.rounded()))"
                + ",\"server_cpu_us_per_request\":\(Int(c.serverMicrosPerRequest.rounded()))}"
        }
        return "{\"suite\":\"http\",\"results\":[" + items.joined(separator: ",") + "]}"
    }

    /// User + system CPU of this whole process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
