import HTTPServer
import Logging

extension MonitoringEndpoints {
    /// An HTTP server for these endpoints at `METRICS_LISTEN`, not yet started: call `start()`
    /// (it throws when the address is taken) and, on shutdown, `shutdown()` after the pipeline
    /// has drained, so that `/readyz` and `/metrics` stay answerable while it drains.
    public func makeServer(listen: WorkerConfiguration.ListenAddress, logger: Logger = Logger(label: "monitoring")) -> HTTPServer {
        let configuration = HTTPServerConfiguration(
            host: listen.host, port: Int(listen.port), maxBodySize: 4096, connectionLimit: 64,
            idleTimeout: .seconds(30), shutdownGracePeriod: .seconds(1))
        return HTTPServer(configuration: configuration, logger: logger) { request in self.handle(request) }
    }
}
