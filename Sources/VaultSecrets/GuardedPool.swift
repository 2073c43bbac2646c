import CSodium
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Recycles small `sodium_malloc` regions. Each `sodium_malloc` maps guard pages and `mlock`s the data, and each
/// `sodium_free` unmaps them — about ten system calls, and in a threaded process (the agent) TLB shoot-downs on
/// every core, several times per request. Regions of up to 4 KiB are zeroed and kept (a bounded number per size
/// class) instead, still between their guard pages and still locked; larger ones are freed as before.
///
/// The kept regions are spread over shards chosen by thread: the agent's many serving threads (two cores, dozens of
/// connections) would otherwise queue on one lock, and a thread preempted while holding it left the others
/// spinning (measured: 15 % of the agent's time at 64 clients).
enum GuardedPool {
    /// Region sizes that are recycled; a request is rounded up to the first that fits.
    static let sizeClasses = [64, 256, 1024, 4096]
    /// Regions kept per size class in each shard.
    static let limit = 32
    /// Shards (a power of two).
    static let shardCount = 8

    /// Kept regions of one shard, per class, as addresses (pointers are not `Sendable`; the regions are owned by
    /// the pool).
    private final class Shard: Sendable {
        let classes = Mutex<[[UInt]]>(Array(repeating: [], count: sizeClasses.count))
    }

    private static let shards = (0..<shardCount).map { _ in Shard() }

    /// The calling thread's shard (a region may go back to another shard than it came from: any will do).
    private static var shard: Shard {
        let hashed = UInt(pthread_self()) &* 0x9E37_79B9_7F4A_7C15
        return shards[Int(truncatingIfNeeded: hashed >> 58) & (shardCount - 1)]
    }

    /// A zeroed region of at least `count` bytes and its real size.
    static func take(_ count: Int) -> (pointer: UnsafeMutableRawPointer, size: Int) {
        guard let index = sizeClasses.firstIndex(where: { $0 >= count }) else {
            return (allocate(max(count, 1)), max(count, 1))
        }
        let size = sizeClasses[index]
        if let recycled = shard.classes.withLock({ $0[index].popLast() }),
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
            let kept = shard.classes.withLock { classes -> Bool in
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
