import Foundation

extension WorkerConfiguration {
    /// Settings that are valid but worth a warning line at startup.
    public var warnings: [String] {
        var warnings: [String] = []
        if !pacer.isPacing {
            warnings.append("UPLOAD_RATE is off: uploads are not paced; only 429 answers slow them down")
        }
        if cloudflare.baseURL.scheme == "http", !Self.isLoopback(cloudflare.baseURL.host ?? "") {
            warnings.append("CLOUDFLARE_API_BASE_URL uses plain http to a remote host: the API token travels unencrypted")
        }
        if partitionBuffer < maxInFlight {
            warnings.append("PARTITION_BUFFER (\(partitionBuffer)) is below MAX_IN_FLIGHT (\(maxInFlight)): one partition alone cannot fill the in-flight slots")
        }
        if let listen = metricsListen, !Self.isLoopback(listen.host) {
            warnings.append("METRICS_LISTEN \(listen) is reachable from other hosts")
        }
        return warnings
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
