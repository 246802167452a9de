import Foundation

/// A `WWW-Authenticate` challenge (RFC 9110 §11.6.1), as registries send it:
/// `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:x:pull"`.
struct AuthChallenge: Equatable {
    /// Lower-cased scheme: `bearer` or `basic`.
    let scheme: String
    /// Parameters with lower-cased names.
    let parameters: [String: String]

    /// The first challenge in `header`, or nil when there is none.
    static func parse(_ header: String?) -> AuthChallenge? {
        guard let header else { return nil }
        var rest = Substring(header).drop { $0 == " " }
        let scheme = rest.prefix { $0 != " " }
        guard !scheme.isEmpty else { return nil }
        rest = rest.dropFirst(scheme.count)
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...].drop { $0 == " " }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var closed = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(c); escaped = false }
                    else if c == "\\" { escaped = true }
                    else if c == "\"" { closed = true; break }
                    else { value.append(c) }
                }
                guard closed else { return nil }
            } else {
                value = String(rest.prefix { $0 != "," && $0 != " " })
                rest = rest.dropFirst(value.count)
            }
            guard !name.isEmpty, !name.contains(" ") else { return nil }
            parameters[name] = value
        }
        return AuthChallenge(scheme: scheme.lowercased(), parameters: parameters)
    }
}

