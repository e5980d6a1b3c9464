import CCurl

/// `curl_global_init` once per process, before the first handle (a Swift global is initialised
/// once, atomically, on first use).
let curlGlobalInit: Void = {
    _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
}()

/// Owns a `CURLM *`; `curl_multi_cleanup` in deinit.
///
/// `@unchecked Sendable`: every call except `wakeup()` is made on the engine's own thread;
/// `curl_multi_wakeup` is documented by libcurl as callable from any thread.
final class CurlMulti: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init() {
        _ = curlGlobalInit
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        pointer = multi
    }

    /// Interrupts `curl_multi_poll` on the engine thread.
    func wakeup() {
        _ = curl_multi_wakeup(pointer)
    }

    deinit {
        curl_multi_cleanup(pointer)
    }
}

/// Owns a `CURL *`; `curl_easy_cleanup` in deinit. Used only on the engine thread, and reused from
/// one request to the next (`curl_easy_reset` keeps its caches; connections live in the multi).
final class CurlEasy {
    let pointer: UnsafeMutableRawPointer

    init() {
        _ = curlGlobalInit
        guard let easy = curl_easy_init() else { fatalError("curl_easy_init failed (out of memory)") }
        pointer = easy
    }

    deinit {
        curl_easy_cleanup(pointer)
    }
}

/// Owns a `struct curl_slist *` of request headers; freed in deinit, after the transfer is done.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    func append(_ line: String) {
        pointer = curl_slist_append(pointer, line)
    }

    deinit {
        if let pointer { curl_slist_free_all(pointer) }
    }
}
