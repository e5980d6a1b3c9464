import CCurl
import Foundation
import Synchronization

/// Drives one libcurl multi handle on a thread of its own: takes submitted transfers, runs
/// `curl_multi_perform`, completes finished transfers, and sleeps in `curl_multi_poll` until a
/// socket is ready, a timeout is due, or `curl_multi_wakeup` says there is new work.
///
/// All libcurl calls except `curl_multi_wakeup` happen on that thread, so easy handles, the
/// connection cache and the callbacks need no locks. Callers only touch `inbox`.
final class CurlMultiEngine: Sendable {
    let configuration: CurlHTTPClient.Configuration
    private let multi = CurlMulti()
    private let inbox = Mutex(Inbox())
    private let nextID = Atomic<UInt64>(1)

    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [UInt64] = []
        var shuttingDown = false
        /// A wakeup was sent and the engine has not taken the inbox since: no need for another.
        var wakeupPending = false
    }

    init(configuration: CurlHTTPClient.Configuration) {
        self.configuration = configuration
        _ = uw_multi_setopt_long(multi.pointer, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = uw_multi_setopt_long(multi.pointer, CURLMOPT_MAXCONNECTS, configuration.maxIdleConnections)
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    func makeID() -> UInt64 { nextID.add(1, ordering: .relaxed).oldValue }

    /// Hands a transfer to the engine; fails it with `.shutdown` after `shutdown()`.
    func submit(_ transfer: CurlTransfer) {
        let (accepted, wake) = inbox.withLock { inbox -> (Bool, Bool) in
            guard !inbox.shuttingDown else { return (false, false) }
            inbox.submitted.append(transfer)
            defer { inbox.wakeupPending = true }
            return (true, !inbox.wakeupPending)
        }
        guard accepted else {
            transfer.finish(.failure(HTTPClientError(.shutdown, "the client was shut down")))
            return
        }
        if wake { multi.wakeup() }
    }

    func cancel(_ id: UInt64) {
        inbox.withLock { $0.cancelled.append(id) }
        multi.wakeup()
    }

    func shutdown() {
        let first = inbox.withLock { inbox -> Bool in
            defer { inbox.shuttingDown = true }
            return !inbox.shuttingDown
        }
        if first { multi.wakeup() }
    }

    // MARK: The engine thread

    private func run() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        var idleHandles: [CurlEasy] = []
        var running: Int32 = 0
        var queued: Int32 = 0

        while true {
            let (submitted, cancelled, shuttingDown) = inbox.withLock { inbox in
                defer {
                    inbox.submitted.removeAll(keepingCapacity: true)
                    inbox.cancelled.removeAll()
                    inbox.wakeupPending = false
                }
                return (inbox.submitted, inbox.cancelled, inbox.shuttingDown)
            }
            if shuttingDown {
                let error = HTTPClientError(.shutdown, "the client was shut down")
                for transfer in submitted { transfer.finish(.failure(error)) }
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi.pointer, easy)
                    transfer.finish(.failure(error))
                }
                return
            }
            for transfer in submitted {
                let easy = idleHandles.popLast() ?? CurlEasy()
                if let failure = configure(easy, for: transfer) {
                    transfer.finish(.failure(failure))
                    idleHandles.append(easy)
                    continue
                }
                transfer.easy = easy
                active[easy.pointer] = transfer
                curl_multi_add_handle(multi.pointer, easy.pointer)
            }
            for id in cancelled {
                guard let (pointer, transfer) = active.first(where: { $0.value.id == id }) else { continue }
                active[pointer] = nil
                curl_multi_remove_handle(multi.pointer, pointer)
                transfer.finish(.failure(HTTPClientError(.other, "cancelled")))
                recycle(transfer, into: &idleHandles)
            }

            curl_multi_perform(multi.pointer, &running)
            while let message = curl_multi_info_read(multi.pointer, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let pointer = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                guard let transfer = active.removeValue(forKey: pointer) else { continue }
                curl_multi_remove_handle(multi.pointer, pointer)
                transfer.finish(result(of: transfer, code: code))
                recycle(transfer, into: &idleHandles)
            }
            curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
        }
    }

    private func recycle(_ transfer: CurlTransfer, into idleHandles: inout [CurlEasy]) {
        guard let easy = transfer.easy else { return }
        transfer.easy = nil
        transfer.headerList = nil
        if idleHandles.count < configuration.maxIdleConnections {
            curl_easy_reset(easy.pointer)
            idleHandles.append(easy)
        }
    }

    /// Sets every option of `easy` for `transfer`; a message when the request cannot be sent.
    private func configure(_ easy: CurlEasy, for transfer: CurlTransfer) -> HTTPClientError? {
        let h = easy.pointer
        let request = transfer.request
        guard uw_easy_setopt_str(h, CURLOPT_URL, request.url) == CURLE_OK else {
            return HTTPClientError(.invalidURL, request.url)
        }
        _ = uw_easy_setopt_str(h, CURLOPT_PROTOCOLS_STR, "http,https")
        // No signals from libcurl in a multi-threaded process (timeouts would use SIGALRM).
        _ = uw_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        let timeoutMS = max(1, request.timeout.components.seconds * 1000 + request.timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = uw_easy_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(timeoutMS))
        _ = uw_easy_setopt_long(h, CURLOPT_TCP_NODELAY, 1)

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        _ = uw_easy_setopt_write_callback(h, CURLOPT_WRITEFUNCTION, curlWriteBody)
        _ = uw_easy_setopt_ptr(h, CURLOPT_WRITEDATA, context)
        _ = uw_easy_setopt_write_callback(h, CURLOPT_HEADERFUNCTION, curlWriteHeader)
        _ = uw_easy_setopt_ptr(h, CURLOPT_HEADERDATA, context)

        let headers = CurlHeaderList()
        var sawContentType = false
        for (name, value) in request.headers {
            if name.lowercased() == "content-type" { sawContentType = true }
            // `Name;` is libcurl's way to send a header with an empty value.
            headers.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // No `Expect: 100-continue` round trip, and no invented form Content-Type for bodies.
        headers.append("Expect:")
        if !sawContentType { headers.append("Content-Type:") }
        transfer.headerList = headers
        _ = uw_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headers.pointer)

        switch request.method {
        case "GET" where request.body.isEmpty:
            break
        case "HEAD":
            _ = uw_easy_setopt_long(h, CURLOPT_NOBODY, 1)
        case "POST":
            _ = uw_easy_setopt_long(h, CURLOPT_POST, 1)
        default:
            _ = uw_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if request.method == "POST" || !request.body.isEmpty {
            _ = uw_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            // libcurl copies the body now, so the request's array need not outlive this call.
            request.body.withUnsafeBytes { bytes in
                _ = uw_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start))
            }
        }
        return nil
    }

    private func result(of transfer: CurlTransfer, code: CURLcode) -> Result<HTTPClientResponse, HTTPClientError> {
        guard code == CURLE_OK else {
            if transfer.responseTooLarge {
                return .failure(HTTPClientError(.responseTooLarge, "response body over \(transfer.maxResponseSize) bytes"))
            }
            return .failure(Self.error(for: code, url: transfer.request.url))
        }
        var status = 0
        _ = uw_easy_getinfo_long(transfer.easy!.pointer, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPClientResponse(status: status, headers: transfer.responseHeaders, body: transfer.responseBody))
    }

    static func error(for code: CURLcode, url: String) -> HTTPClientError {
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return HTTPClientError(.timedOut, message)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
            CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return HTTPClientError(.connectionFailed, message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return HTTPClientError(.invalidURL, message)
        default:
            return HTTPClientError(.other, message)
        }
    }
}
