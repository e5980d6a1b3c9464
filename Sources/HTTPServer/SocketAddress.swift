#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 literal and a port, as the `struct sockaddr` libmicrohttpd binds to.
struct SocketAddress {
    private enum Storage {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    private let storage: Storage

    init(host: String, port: UInt16) throws(HTTPServerError) {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            storage = .v4(v4)
            return
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            storage = .v6(v6)
            return
        }
        throw HTTPServerError(.invalidAddress, "'\(host)' is not an IPv4 or IPv6 address")
    }

    var isIPv6: Bool {
        if case .v6 = storage { return true }
        return false
    }

    /// Calls `body` with a pointer valid only during the call.
    func withSockaddr<R>(_ body: (UnsafeRawPointer) -> R) -> R {
        switch storage {
        case .v4(var a): return withUnsafePointer(to: &a) { body(UnsafeRawPointer($0)) }
        case .v6(var a): return withUnsafePointer(to: &a) { body(UnsafeRawPointer($0)) }
        }
    }
}
