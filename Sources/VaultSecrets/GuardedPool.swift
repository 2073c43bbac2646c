import CSodium
import Synchronization

/// Recycles small `sodium_malloc` regions. Each `sodium_malloc` maps guard pages and `mlock`s the data, and each
/// `sodium_free` unmaps them — about ten system calls, and in a threaded process (the agent) TLB shoot-downs on
/// every core, several times per request. Regions of up to 4 KiB are zeroed and kept (a bounded number per size
/// class) instead, still between their guard pages and still locked; larger ones are freed as before.
enum GuardedPool {
    /// Region sizes that are recycled; a request is rounded up to the first that fits.
    static let sizeClasses = [64, 256, 1024, 4096]
    /// Regions kept per size class.
    static let limit = 64

    /// Kept regions per class, as addresses (pointers are not `Sendable`; the regions are owned by the pool).
    private static let free = Mutex<[[UInt]]>(Array(repeating: [], count: sizeClasses.count))

    /// A zeroed region of at least `count` bytes and its real size.
    static func take(_ count: Int) -> (pointer: UnsafeMutableRawPointer, size: Int) {
        guard let index = sizeClasses.firstIndex(where: { $0 >= count }) else {
            return (allocate(max(count, 1)), max(count, 1))
        }
        let size = sizeClasses[index]
        if let recycled = free.withLock({ $0[index].popLast() }),
            let pointer = UnsafeMutableRawPointer(bitPattern: recycled)
        {
            return (pointer, size)
        }
        return (allocate(size), size)
    }

    /// Zeroes `pointer` (a region of `size` bytes from `take`) and keeps it, or frees it when the class is full.
    static func give(_ pointer: UnsafeMutableRawPointer, size: Int) {
        sodium_memzero(pointer, size)
        if let index = sizeClasses.firstIndex(of: size) {
            let address = UInt(bitPattern: pointer)
            let kept = free.withLock { classes -> Bool in
                guard classes[index].count < limit else { return false }
                classes[index].append(address)
                return true
            }
            if kept { return }
        }
        sodium_free(pointer)
    }

    private static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        guard let pointer = sodium_malloc(size) else {
            fatalError("sodium_malloc failed for \(size) bytes: out of memory")
        }
        sodium_memzero(pointer, size)
        return pointer
    }
}
