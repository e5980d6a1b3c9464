/// An API path taken apart: `/client/v4/accounts/<account>/images/v1[/<percent-encoded id>]`.
struct APIRoute: Sendable, Equatable {
    enum Action: Sendable, Equatable {
        case upload
        case list
        case details(String)
        case delete(String)
    }

    static let prefix = "/client/v4/accounts/"

    var account: String
    var action: Action

    /// Nil when no route matches (Cloudflare's code 7000).
    init?(method: String, path: String) {
        guard path.hasPrefix(Self.prefix) else { return nil }
        let rest = path.dropFirst(Self.prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        account = String(rest[..<slash])
        guard !account.isEmpty else { return nil }
        let tail = rest[rest.index(after: slash)...]
        if tail == "images/v1" || tail == "images/v1/" {
            switch method {
            case "POST": action = .upload
            case "GET": action = .list
            default: return nil
            }
            return
        }
        guard tail.hasPrefix("images/v1/") else { return nil }
        let encoded = String(tail.dropFirst("images/v1/".count))
        guard let id = PercentDecoding.decode(encoded), !id.isEmpty else { return nil }
        switch method {
        case "GET": action = .details(id)
        case "DELETE": action = .delete(id)
        default: return nil
        }
    }
}
