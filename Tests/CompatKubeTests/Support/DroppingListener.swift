import Foundation

/// A one-connection HTTP server on 127.0.0.1 that answers a watch with `200`, chunked, sends the given
/// chunks and then closes the socket without the terminating zero-length chunk: the connection drops
/// mid-stream, as when an API server restarts or a load balancer resets it.
///
/// ``HTTPSServer`` always finishes its chunked bodies cleanly, so this case needs a raw socket.
final class DroppingListener: Sendable {
    let port: UInt16
    private let socketFD: Int32

    init(chunks: [String]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0, named == 0, listen(fd, 1) == 0 else {
            close(fd)
            throw FixtureError("cannot listen on 127.0.0.1")
        }
        socketFD = fd
        port = UInt16(bigEndian: address.sin_port)
        var response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        for chunk in chunks { response += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
        let bytes = Array(response.utf8)
        Thread.detachNewThread {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return }
            // Read the request head, then answer and cut the connection.
            var buffer = [UInt8](repeating: 0, count: 8192)
            var received: [UInt8] = []
            while !received.suffix(4).elementsEqual([13, 10, 13, 10]) {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            close(connection)
        }
    }

    deinit {
        shutdown(socketFD, Int32(SHUT_RDWR))
        close(socketFD)
    }
}
