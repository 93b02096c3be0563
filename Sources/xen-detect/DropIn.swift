#if canImport(Glibc)
import Glibc
#endif

/// The drop-in for Xen's xen-detect (filled in with the CPUID probe).
enum DropIn {
    static func run(_ arguments: [String]) -> Never {
        print("Not running on Xen.")
        exit(0)
    }
}
