import Foundation

/// Request paths of the API calls this package makes, with query values percent-encoded.
package enum KubePath {
    /// `/api/v1/nodes?…`
    package static func nodes(_ query: [(String, String)] = []) -> String {
        "/api/v1/nodes" + queryString(query)
    }

    /// `/api/v1/namespaces/NS/pods?labelSelector=…`
    package static func pods(namespace: String, labelSelector: String? = nil) -> String {
        "/api/v1/namespaces/\(segment(namespace))/pods" + queryString(labelSelector.map { [("labelSelector", $0)] } ?? [])
    }

    /// `/api/v1/namespaces/NS/pods/POD/log?container=…&follow=true`
    package static func podLog(namespace: String, pod: String, container: String?, follow: Bool) -> String {
        var query: [(String, String)] = []
        if let container { query.append(("container", container)) }
        if follow { query.append(("follow", "true")) }
        return "/api/v1/namespaces/\(segment(namespace))/pods/\(segment(pod))/log" + queryString(query)
    }

    /// A namespaced custom resource collection or object:
    /// `/apis/GROUP/VERSION/namespaces/NS/PLURAL[/NAME]`, e.g. Flux Operator MiniClusters
    /// (`flux-framework.org`, `v1alpha2`, `miniclusters`).
    package static func customResource(group: String, version: String, namespace: String, plural: String, name: String? = nil) -> String {
        var path = "/apis/\(segment(group))/\(segment(version))/namespaces/\(segment(namespace))/\(segment(plural))"
        if let name { path += "/" + segment(name) }
        return path
    }

    /// `?a=1&b=2`, or empty for no parameters. Values are encoded so that selectors such as
    /// `app in (lammps,hpcg),!canary` survive intact.
    package static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func segment(_ text: String) -> String {
        encode(text)
    }
}
