import CompatAdmission
import CompatCore

/// The first line of the input is a JSON Pointer, the rest a JSON document: setting a value there either
/// fails with a typed error or yields a patch that, applied to the original document, gives exactly the
/// builder's document.
func fuzzJSONPatchBuilder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let newline = bytes.firstIndex(of: 0x0A) else { return 0 }
    guard let pointer = try? JSONPointer(String(decoding: bytes[..<newline], as: UTF8.self)),
          let document = try? JSONParser().parse(Array(bytes[(newline + 1)...]))
    else { return 0 }
    var builder = JSONPatchBuilder(document: document)
    do {
        try builder.set(.string("ghcr.io/example/app:fuzz"), at: pointer)
        try builder.set(["node.kubernetes.io/instance-type": "c7a.12xlarge"], at: JSONPointer(tokens: ["spec", "nodeSelector"]))
    } catch {
        return 0
    }
    let applied: JSONValue
    do {
        applied = try builder.patch.apply(to: document)
    } catch {
        fatalError("the builder's patch does not apply to its own document: \(error)")
    }
    if applied != builder.document {
        fatalError("applying the builder's patch gives another document than the builder's")
    }
    return 0
}
