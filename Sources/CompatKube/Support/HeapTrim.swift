#if canImport(Glibc)
import Glibc
#endif

/// Hands free heap memory back to the operating system after a bulk load of nodes.
///
/// Decoding thousands of nodes (a static feature file, a full list) allocates more short-lived memory
/// than the cache keeps, interleaved with what it keeps. glibc returns free memory at the top of the
/// heap on its own, but not free pages below long-lived blocks, so the process would keep part of the
/// decode's high-water mark resident while idle. `malloc_trim(0)` releases every free page wherever it
/// is; it walks the heap once (well under a millisecond for the ~50 MB heap of 10 000 nodes), and bulk
/// loads are rare (start-up, relists, edits of static feature files). A no-op where glibc's
/// `malloc_trim` does not exist.
enum HeapTrim {
    #if canImport(Glibc)
    private typealias MallocTrim = @convention(c) (Int) -> Int32

    /// `malloc_trim`'s address (looked up, since Glibc's Swift module does not declare it), or 0.
    private static let mallocTrimAddress: UInt = {
        // A null handle is RTLD_DEFAULT: the symbol as the process resolves it.
        guard let symbol = dlsym(nil, "malloc_trim") else { return 0 }
        return UInt(bitPattern: symbol)
    }()
    #endif

    /// Releases free heap pages to the operating system where the allocator supports it.
    static func releaseFreeMemory() {
        #if canImport(Glibc)
        guard let symbol = UnsafeRawPointer(bitPattern: mallocTrimAddress) else { return }
        _ = unsafeBitCast(symbol, to: MallocTrim.self)(0)
        #endif
    }
}
