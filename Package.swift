// swift-tools-version: 6.2
// xen-detect: a guest-side Xen toolkit. Module map (one job each):
//   CXenShim      the few instructions Swift cannot emit (cpuid, forced-emulation cpuid, stub calls, ioctl)
//   XenSystem     the one thin system-call layer (open/pread/pwrite/ioctl/mmap) and errno-carrying errors
//   CPUIDProbe    CPUID sources, hypervisor discovery, Xen leaf decoders, context detection
//   XenInterface  Xen's public interface described once: hypercall numbers, sub-ops, errno, structures
//   ABI32, ABI64  the x86_32 and x86_64 layouts and register conventions derived from XenInterface
//   XenCompat     32-bit guest <-> native 64-bit translation (Xen's compat layer)
//   HypercallPage hypercall page model, install through the MSR, privcmd hypercalls
//   HypercallPlan plans of hypercalls laid out by ABI32/ABI64 for the test guest (guest/)
//   xen-detect    the CLI: parses and prints, nothing else
import PackageDescription

let package = Package(
    name: "xen-detect",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "xen-detect", targets: ["xen-detect"]),
        .library(name: "CPUIDProbe", targets: ["CPUIDProbe"]),
        .library(name: "HypercallPage", targets: ["HypercallPage"]),
        .library(name: "ABI32", targets: ["ABI32"]),
        .library(name: "ABI64", targets: ["ABI64"]),
        .library(name: "XenCompat", targets: ["XenCompat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CXenShim"),
        .target(name: "XenSystem", dependencies: ["CXenShim"]),
        .target(name: "XenSystemTesting", dependencies: ["XenSystem"]),  // recording fake, for tests only
        .target(name: "CPUIDProbe", dependencies: ["XenSystem"]),
        .target(name: "XenInterface", dependencies: ["XenSystem"]),
        .target(name: "ABI32", dependencies: ["XenInterface"]),
        .target(name: "ABI64", dependencies: ["XenInterface"]),
        .target(name: "XenCompat", dependencies: ["XenSystem", "XenInterface", "ABI32", "ABI64"]),
        .target(name: "HypercallPage", dependencies: ["XenSystem", "CPUIDProbe", "XenInterface"]),
        .target(name: "HypercallPlan", dependencies: ["XenSystem", "XenInterface", "ABI32", "ABI64", "XenCompat"]),
        .executableTarget(
            name: "xen-detect",
            dependencies: [
                "CPUIDProbe", "HypercallPage", "HypercallPlan", "ABI32", "ABI64", "XenCompat", "XenInterface", "XenSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmark (not a test): swift run -c release abi-bench
        .executableTarget(name: "abi-bench", dependencies: ["XenCompat", "XenInterface"], path: "Benchmarks/abi-bench"),
        .testTarget(name: "XenSystemTests", dependencies: ["XenSystem", "XenSystemTesting"]),
        .testTarget(name: "CPUIDProbeTests", dependencies: ["CPUIDProbe", "XenSystem", "XenSystemTesting"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "XenInterfaceTests", dependencies: ["XenInterface", "ABITestSupport"]),
        // gcc/objdump probes of Xen's real headers, shared by the header tests (Foundation; tests only).
        .target(name: "ABITestSupport", dependencies: ["XenInterface"], path: "Tests/ABITestSupport"),
        .testTarget(name: "ABI32Tests", dependencies: ["ABI32", "XenInterface", "ABITestSupport"]),
        .testTarget(name: "ABI64Tests", dependencies: ["ABI64", "XenInterface", "ABITestSupport"]),
        .testTarget(name: "XenCompatTests", dependencies: ["XenCompat", "ABI32", "ABI64", "XenInterface", "ABITestSupport"]),
        .testTarget(name: "HypercallPageTests", dependencies: ["HypercallPage", "XenInterface", "XenSystem", "XenSystemTesting", "CPUIDProbe",
                                                           "ABITestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HypercallPlanTests", dependencies: ["HypercallPlan", "XenSystem", "XenInterface", "ABI32", "ABI64"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "xen-detectTests", dependencies: ["xen-detect", "XenCompat"]),
    ]
)

// Strict memory safety (SE-0458) for every Swift module of the toolkit: each unsafe construct must
// be marked `unsafe`, so the compiler shows where they are. They live in XenSystem's raw layer
// only (LinuxSystem*.swift, Processor.swift, UncheckedBytes.swift); scripts/check-unsafe.sh fails
// the build of the tests when a warning or an `unsafe` appears anywhere else.
for target in package.targets where !target.isTest && target.name != "CXenShim" && target.name != "ABITestSupport" {
    target.swiftSettings = (target.swiftSettings ?? []) + [.strictMemorySafety()]
}
