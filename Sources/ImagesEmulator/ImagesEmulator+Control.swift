import CloudflareImages
import Foundation
import HTTPServer

extension ImagesEmulator {
    /// `/__emulator/...`: stats, reset and knobs, for tests and demos. No auth: loopback only.
    ///
    /// - `GET /__emulator/stats[?per_url=false]`: `EmulatorStats` as JSON, plus `total_uploads`,
    ///   `distinct_urls` and `duplicates` (URLs uploaded more than once); `per_url=false` leaves
    ///   out the two per-URL maps, which grow with every URL.
    /// - `POST /__emulator/reset`: forget images and counts.
    /// - `GET /__emulator/config`: the knobs.
    /// - `POST /__emulator/config` with a JSON object of any of `latency` ("200ms"), `fail_rate`,
    ///   `drop_rate`, `slow_rate`, `slow_delay`, `rate_limit` ("1200/300s" or null) and
    ///   `throttle` ("5s": answer every API request 429 for that long). Answers the new knobs.
    func control(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/__emulator/stats"):
            let perURL = BuiltInOrigin.queryValue("per_url", in: request.query) != "false"
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = (try? encoder.encode(StatsDocument(stats(), perURL: perURL))) ?? Data("{}".utf8)
            return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body))
        case ("POST", "/__emulator/reset"):
            reset()
            return .text(200, "{\"reset\":true}", contentType: "application/json")
        case ("GET", "/__emulator/config"):
            return knobsResponse()
        case ("POST", "/__emulator/config"):
            if let problem = applyConfig(request.body) { return .text(400, problem + "\n") }
            return knobsResponse()
        default:
            return .text(404, "Not Found\n")
        }
    }

    private func knobsResponse() -> HTTPResponse {
        let k = knobs
        var s = "{\"latency\":\(JSONValue.quote(DurationText.format(k.latency)))"
        s += ",\"fail_rate\":\(k.failRate),\"drop_rate\":\(k.dropRate),\"slow_rate\":\(k.slowRate)"
        s += ",\"slow_delay\":\(JSONValue.quote(DurationText.format(k.slowDelay)))"
        s += ",\"rate_limit\":" + (k.rateLimit.map { JSONValue.quote($0.description) } ?? "null") + "}"
        return .text(200, s, contentType: "application/json")
    }

    /// Nil on success, else what was wrong; nothing changes unless every field is valid.
    private func applyConfig(_ body: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return "body must be a JSON object"
        }
        var knobs = self.knobs
        var throttleFor: Duration?
        for (key, value) in object {
            switch key {
            case "latency", "slow_delay", "throttle":
                guard let d = Self.duration(value) else { return "\(key): expected a duration such as \"200ms\"" }
                if key == "latency" { knobs.latency = d } else if key == "slow_delay" { knobs.slowDelay = d } else { throttleFor = d }
            case "fail_rate", "drop_rate", "slow_rate":
                guard let r = (value as? NSNumber)?.doubleValue, (0...1).contains(r) else { return "\(key): expected a number from 0 to 1" }
                if key == "fail_rate" { knobs.failRate = r } else if key == "drop_rate" { knobs.dropRate = r } else { knobs.slowRate = r }
            case "rate_limit":
                if value is NSNull || (value as? String) == "none" {
                    knobs.rateLimit = nil
                } else {
                    guard let text = value as? String, let limit = RateLimit(parsing: text) else { return "rate_limit: expected \"<quota>/<window>\" such as \"1200/300s\", or null" }
                    knobs.rateLimit = limit
                }
            default:
                return "unknown field '\(key)'"
            }
        }
        guard knobs.failRate + knobs.dropRate + knobs.slowRate <= 1 else { return "fail_rate + drop_rate + slow_rate must be at most 1" }
        let newKnobs = knobs
        updateKnobs { $0 = newKnobs }
        if let throttleFor { throttle(for: throttleFor) }
        return nil
    }

    /// `"200ms"`, or a number of milliseconds.
    private static func duration(_ value: Any) -> Duration? {
        if let s = value as? String { return DurationText.parse(s) }
        if let n = value as? NSNumber, n.doubleValue >= 0 { return .milliseconds(n.doubleValue) }
        return nil
    }
}

/// The stats endpoint's JSON: `EmulatorStats`' fields (the per-URL maps optional) and totals.
struct StatsDocument: Encodable {
    let stats: EmulatorStats
    let perURL: Bool

    init(_ stats: EmulatorStats, perURL: Bool) {
        self.stats = stats
        self.perURL = perURL
    }

    enum Keys: String, CodingKey {
        case uploads, uploadAttempts = "upload_attempts", fileUploads = "file_uploads", responses, images
        case originRequests = "origin_requests", totalUploads = "total_uploads", distinctURLs = "distinct_urls", duplicates
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        if perURL {
            try c.encode(stats.uploads, forKey: .uploads)
            try c.encode(stats.uploadAttempts, forKey: .uploadAttempts)
        }
        try c.encode(stats.fileUploads, forKey: .fileUploads)
        try c.encode(stats.responses, forKey: .responses)
        try c.encode(stats.images, forKey: .images)
        try c.encode(stats.originRequests, forKey: .originRequests)
        try c.encode(stats.totalUploads, forKey: .totalUploads)
        try c.encode(stats.uploads.count, forKey: .distinctURLs)
        try c.encode(stats.duplicateUploads, forKey: .duplicates)
    }
}
