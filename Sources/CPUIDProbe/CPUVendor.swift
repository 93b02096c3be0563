import XenSystem

/// The processor's vendor string, CPUID leaf 0's EBX, EDX, ECX in that order ("GenuineIntel",
/// "AuthenticAMD", "HygonGenuine", ...; Intel SDM vol. 2A CPUID, AMD APM vol. 3). The hypercall
/// page's flavor follows it (`HypercallStubFlavor.expected(cpuVendor:context:)`: vmcall on Intel,
/// vmmcall on AMD, as Xen's hvm_funcs pick).
public enum CPUVendor {
    /// The vendor string `source` answers for leaf 0 (a recorded dump works as well as the CPU).
    public static func read(from source: some CPUIDSource) throws(CPUIDSourceError) -> String {
        let r = try source.cpuid(leaf: 0, subleaf: 0)
        let bytes = [r.ebx, r.edx, r.ecx].flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        return String(decoding: bytes, as: UTF8.self)
    }
}
