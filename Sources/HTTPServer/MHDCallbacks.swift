import CMicroHTTPD
#if canImport(Glibc)
import Glibc
#endif

// The C callbacks given to libmicrohttpd. Global functions, free of actor isolation, that reach
// their Swift objects through the opaque pointers: the daemon's `cls` is the `HTTPServerCore`
// (unretained: the server keeps it alive until the daemon has stopped), a connection's `con_cls`
// is its `MHDRequestContext` (retained, released in `mhdRequestCompleted`).

/// `MHD_AccessHandlerCallback`. Called once when the headers are in, once per body chunk, once
/// when the request is complete, and once more after the connection is resumed.
func mhdAccessHandler(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ url: UnsafePointer<CChar>?,
    _ method: UnsafePointer<CChar>?,
    _ version: UnsafePointer<CChar>?,
    _ uploadData: UnsafePointer<CChar>?,
    _ uploadDataSize: UnsafeMutablePointer<Int>?,
    _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> MHD_Result {
    guard let cls, let connection, let uploadDataSize, let conCls else { return .NO }
    let core = Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue()

    guard let existing = conCls.pointee else {
        // First call: the headers are in.
        let context = MHDRequestContext(
            connection: MHDConnection(pointer: connection),
            method: method.map { String(cString: $0) } ?? "GET",
            path: url.map { String(cString: $0) } ?? "/"
        )
        let contextPointer = Unmanaged.passRetained(context).toOpaque()
        conCls.pointee = contextPointer
        MHD_get_connection_values_n(connection, .HEADER_KIND, mhdCollectHeader, contextPointer)
        MHD_get_connection_values_n(connection, .GET_ARGUMENT_KIND, mhdCollectQueryArgument, contextPointer)
        if let declared = context.contentLength, declared > core.maxBodySize {
            guard declared <= core.maxDiscardedBodySize else {
                // Not worth reading: answer now; libmicrohttpd then closes the connection.
                context.phase = .answered
                return mhdQueue(.text(413, "request body over \(core.maxBodySize) bytes\n"), on: connection)
            }
            // Read and drop it, then answer 413 (see `maxDiscardedBodySize`).
            context.bodyTooLarge = true
        }
        return .YES
    }

    let context = Unmanaged<MHDRequestContext>.fromOpaque(existing).takeUnretainedValue()
    switch context.phase {
    case .receiving:
        let chunk = uploadDataSize.pointee
        if chunk > 0 {
            if !context.bodyTooLarge {
                if context.body.count + chunk > core.maxBodySize {
                    context.bodyTooLarge = true
                    context.body = []
                } else {
                    context.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: chunk))
                }
            }
            uploadDataSize.pointee = 0
            return .YES
        }
        if context.bodyTooLarge {
            context.phase = .answered
            return mhdQueue(.text(413, "request body over \(core.maxBodySize) bytes\n"), on: connection)
        }
        return core.dispatch(context)
    case .handling:
        // Resumed: the handler's answer is waiting.
        guard let response = context.takeResponse() else { return .YES }
        context.phase = .answered
        if response.dropsConnection { return .NO }
        return mhdQueue(response, on: connection)
    case .answered:
        uploadDataSize.pointee = 0
        return .YES
    }
}

/// `MHD_RequestCompletedCallback`: the request is over (answered, dropped, or the daemon stopped).
func mhdRequestCompleted(
    _ cls: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ code: MHD_RequestTerminationCode
) {
    guard let conCls, let pointer = conCls.pointee else { return }
    let context = Unmanaged<MHDRequestContext>.fromOpaque(pointer)
    if let cls {
        Unmanaged<HTTPServerCore>.fromOpaque(cls).takeUnretainedValue().requestCompleted(context.takeUnretainedValue())
    }
    context.release()
    conCls.pointee = nil
}

/// `MHD_KeyValueIteratorN` over the request headers, in the order received.
func mhdCollectHeader(
    _ cls: UnsafeMutableRawPointer?,
    _ kind: MHD_ValueKind,
    _ key: UnsafePointer<CChar>?,
    _ keySize: Int,
    _ value: UnsafePointer<CChar>?,
    _ valueSize: Int
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let context = Unmanaged<MHDRequestContext>.fromOpaque(cls).takeUnretainedValue()
    let name = mhdString(key, keySize).lowercased()
    let text = value.map { mhdString($0, valueSize) } ?? ""
    context.headers.append((name: name, value: text))
    return .YES
}

/// `MHD_KeyValueIteratorN` over the query arguments; rebuilds the raw query string (the unescape
/// callback below keeps them as sent).
func mhdCollectQueryArgument(
    _ cls: UnsafeMutableRawPointer?,
    _ kind: MHD_ValueKind,
    _ key: UnsafePointer<CChar>?,
    _ keySize: Int,
    _ value: UnsafePointer<CChar>?,
    _ valueSize: Int
) -> MHD_Result {
    guard let cls, let key else { return .YES }
    let context = Unmanaged<MHDRequestContext>.fromOpaque(cls).takeUnretainedValue()
    var pair = mhdString(key, keySize)
    if let value { pair += "=" + mhdString(value, valueSize) }
    if let query = context.query {
        context.query = query + "&" + pair
    } else {
        context.query = pair
    }
    return .YES
}

/// `MHD_OPTION_UNESCAPE_CALLBACK`: leaves the path and the query percent-encoded as sent, so that
/// `/images/a%2Fb` stays one segment for the router.
func mhdKeepEscaped(_ cls: UnsafeMutableRawPointer?, _ connection: OpaquePointer?, _ s: UnsafeMutablePointer<CChar>?) -> Int {
    guard let s else { return 0 }
    return strlen(s)
}

private func mhdString(_ pointer: UnsafePointer<CChar>, _ count: Int) -> String {
    pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
        String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
    }
}

/// Queues `response` on `connection` (libmicrohttpd copies the body).
func mhdQueue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    let created = response.body.withUnsafeBytes { bytes in
        MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
    }
    guard let created else { return .NO }
    defer { MHD_destroy_response(created) }
    for (name, value) in response.headers {
        // libmicrohttpd writes Content-Length itself and refuses a second one.
        if name.utf8.count == 14, name.lowercased() == "content-length" { continue }
        _ = MHD_add_response_header(created, name, value)
    }
    let status = response.status >= 100 && response.status <= 999 ? UInt32(response.status) : 500
    return MHD_queue_response(connection, status, created)
}
