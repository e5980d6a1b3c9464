import CCurl

/// One request in flight on the engine: what to send, what came back, and whom to tell.
///
/// `@unchecked Sendable`: created by the caller, then handed to the engine thread, which alone
/// touches it from then on (the callbacks run there too, inside `curl_multi_perform`). The
/// continuation is resumed exactly once, by `finish`.
final class CurlTransfer: @unchecked Sendable {
    typealias Completion = UnsafeContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>

    let id: UInt64
    let request: HTTPClientRequest
    private var continuation: Completion?

    var easy: CurlEasy?
    var headerList: CurlHeaderList?
    var responseHeaders: [String: String] = [:]
    var responseBody: [UInt8] = []
    var maxResponseSize: Int
    var responseTooLarge = false

    init(id: UInt64, request: HTTPClientRequest, maxResponseSize: Int, continuation: Completion) {
        self.id = id
        self.request = request
        self.maxResponseSize = maxResponseSize
        self.continuation = continuation
    }

    func finish(_ result: Result<HTTPClientResponse, HTTPClientError>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(returning: result)
    }

    /// One header line as libcurl hands it over (`Name: value\r\n`, or a status line).
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        var bytes = line[...]
        while let last = bytes.last, last == 13 || last == 10 { bytes = bytes.dropLast() }
        if bytes.starts(with: "HTTP/".utf8) {
            // A new response (after `100 Continue` or a redirect): start over.
            responseHeaders.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        var value = bytes[(colon + 1)...]
        while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
        while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
        let text = String(decoding: value, as: UTF8.self)
        if let existing = responseHeaders[name] {
            responseHeaders[name] = existing + ", " + text
        } else {
            responseHeaders[name] = text
        }
    }
}

/// `CURLOPT_WRITEFUNCTION`: body bytes. Returning less than given aborts the transfer
/// (`CURLE_WRITE_ERROR`), which is how the response size cap is enforced.
func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard transfer.responseBody.count + length <= transfer.maxResponseSize else {
        transfer.responseTooLarge = true
        return 0
    }
    transfer.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// `CURLOPT_HEADERFUNCTION`: one header line per call.
func curlWriteHeader(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
