import HTTPServer

/// A successful envelope around a result already written as JSON.
enum APISuccess {
    static func response(resultJSON: String) -> HTTPResponse {
        let body = "{\"result\":" + resultJSON + ",\"result_info\":null,\"success\":true,\"errors\":[],\"messages\":[]}"
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }
}
