import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends `request` bytes as-is over a fresh TCP connection to 127.0.0.1:`port` and returns all the
/// bytes read until the server closes (or `timeout`). Blocking socket calls run on a thread of their
/// own, not on the cooperative pool.
func rawExchange(port: Int, _ request: String, timeout: Duration = .seconds(5)) async -> String {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(returning: rawExchangeBlocking(port: port, Array(request.utf8), timeout: timeout))
        }
    }
}

private func rawExchangeBlocking(port: Int, _ bytes: [UInt8], timeout: Duration) -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return "" }
    defer { close(fd) }
    var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return "" }
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        received += buffer[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
}
