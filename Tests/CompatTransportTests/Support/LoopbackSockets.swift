import Foundation

/// A TCP listener on 127.0.0.1 that never accepts and never answers: the kernel completes the
/// handshake into the backlog, so a client connects, sends its request and waits forever.
final class SilentListener {
    let port: UInt16
    private let socketFD: Int32

    init() throws {
        (socketFD, port) = try boundLoopbackSocket()
        guard listen(socketFD, 8) == 0 else { throw SocketSetupError(what: "listen") }
    }

    deinit { close(socketFD) }
}

/// A loopback port on which nothing listens (bound, then closed), for connection-refused tests.
func refusedPort() throws -> UInt16 {
    let (fd, port) = try boundLoopbackSocket()
    close(fd)
    return port
}

struct SocketSetupError: Error {
    let what: String
}

private func boundLoopbackSocket() throws -> (Int32, UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketSetupError(what: "socket") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { close(fd); throw SocketSetupError(what: "bind") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { close(fd); throw SocketSetupError(what: "getsockname") }
    return (fd, UInt16(bigEndian: address.sin_port))
}
