// swift-tools-version: 6.2
// xen-detect: a guest-side Xen toolkit. Each library product does one job and can be imported on
// its own (a product's public API mentions only its own types and those of products it depends on):
//   XenSystem          the thin system-call layer (open/pread/pwrite/ioctl/mmap on /dev/cpu, /dev/xen,
//                      /proc) behind the `SystemCalls`/`HypervisorCalls` protocols; errno-carrying errors
//   XenSystemTesting   recording fakes of those protocols, for tests ("refuses, writing nothing")
//   XenInterface       Xen's public interface described once: hypercall numbers, sub-ops, errno, structures
//   ABI32, ABI64       the x86_32 and x86_64 layouts and register conventions derived from XenInterface
//   XenCompat          32-bit guest <-> native 64-bit translation (Xen's compat layer)
//   CPUIDProbe         CPUID sources, hypervisor discovery, Xen leaf decoders, context detection
//   HypercallPage      the hypercall page: its stubs per flavor and the decoder that verifies a page
//   HypercallPageInstall  installing the page through the MSR CPUID names, with every refusal first
//   PrivcmdHypercalls  read-only hypercalls through /dev/xen/privcmd, xen_version decoded
//   PVExtensions       the inventory of PV extensions (available, in use) and of each disk and NIC
//                      (PV frontend or emulated device), with the I/O verdict, read from sysfs/procfs
//   PVFoundations      self-tests of the two PV foundations from user space: an event-channel loopback
//                      through /dev/xen/evtchn, a grant mapped back through /dev/xen/gntalloc and gntdev
// Internal to the package (not products):
//   CXenShim           the few instructions Swift cannot emit (cpuid, forced-emulation cpuid, stub calls, ioctl)
//   Rendering          JSON and hex text the CLI prints
//   HypercallPlan      plans of hypercalls for the test guest (guest/)
//   Fleet              facts (Ansible, Facter) and metrics (node_exporter) rendered from one ProbeReport,
//                      the guest's DMI/UUID identity, the peers' vocabularies (systemd, Facter, Ansible)
//   xen-detect         the CLI: parses and prints, nothing else
import PackageDescription

let package = Package(
    name: "xen-detect",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "xen-detect", targets: ["xen-detect"]),
        .library(name: "XenSystem", targets: ["XenSystem"]),
        .library(name: "XenSystemTesting", targets: ["XenSystemTesting"]),
        .library(name: "XenInterface", targets: ["XenInterface"]),
        .library(name: "ABI32", targets: ["ABI32"]),
        .library(name: "ABI64", targets: ["ABI64"]),
        .library(name: "XenCompat", targets: ["XenCompat"]),
        .library(name: "CPUIDProbe", targets: ["CPUIDProbe"]),
        .library(name: "HypercallPage", targets: ["HypercallPage"]),
        .library(name: "HypercallPageInstall", targets: ["HypercallPageInstall"]),
        .library(name: "PrivcmdHypercalls", targets: ["PrivcmdHypercalls"]),
        .library(name: "PVExtensions", targets: ["PVExtensions"]),
        .library(name: "PVFoundations", targets: ["PVFoundations"]),
        .library(name: "XenStore", targets: ["XenStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` (scripts/docs.sh); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "CXenShim"),
        .target(name: "XenSystem", dependencies: ["CXenShim"]),
        .target(name: "XenSystemTesting", dependencies: ["XenSystem"]),
        .target(name: "Rendering"),
        .target(name: "XenInterface", dependencies: ["XenSystem"]),
        .target(name: "ABI32", dependencies: ["XenInterface"]),
        .target(name: "ABI64", dependencies: ["XenInterface"]),
        .target(name: "XenCompat", dependencies: ["XenSystem", "XenInterface", "ABI32", "ABI64"]),
        .target(name: "CPUIDProbe", dependencies: ["XenSystem", "XenInterface", "Rendering"]),
        .target(name: "HypercallPage", dependencies: ["XenSystem", "XenInterface", "CPUIDProbe", "Rendering"]),
        .target(name: "HypercallPageInstall",
                dependencies: ["XenSystem", "XenInterface", "CPUIDProbe", "HypercallPage", "Rendering"]),
        .target(name: "PrivcmdHypercalls", dependencies: ["XenSystem", "XenInterface", "ABI64", "Rendering"]),
        .target(name: "PVFoundations",
                dependencies: ["XenSystem", "XenInterface", "CPUIDProbe", "PVExtensions", "PrivcmdHypercalls", "XenStore", "Rendering"]),
        .target(name: "HypercallPlan", dependencies: ["XenSystem", "XenInterface", "ABI32", "ABI64", "XenCompat"]),
        .target(name: "XenStore", dependencies: ["XenSystem", "XenInterface", "ABI64"]),
        .target(name: "PVExtensions", dependencies: ["CPUIDProbe", "XenInterface", "XenStore", "XenSystem", "Rendering"]),
        .target(name: "Fleet", dependencies: ["CPUIDProbe", "XenSystem", "Rendering"]),
        .executableTarget(
            name: "xen-detect",
            dependencies: [
                "CPUIDProbe", "HypercallPage", "HypercallPageInstall", "PrivcmdHypercalls", "HypercallPlan", "Fleet",
                "PVExtensions", "PVFoundations", "XenStore",
                "ABI32", "ABI64", "XenCompat", "XenInterface", "XenSystem", "Rendering",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmark (not a test): swift run -c release abi-bench
        .executableTarget(name: "abi-bench", dependencies: ["XenCompat", "XenInterface", "XenSystem"],
                          path: "Benchmarks/abi-bench"),
        // gcc/objdump probes of Xen's real headers, shared by the header tests (Foundation; tests only).
        .target(name: "ABITestSupport", dependencies: ["XenInterface", "ABI32", "ABI64"], path: "Tests/ABITestSupport"),
        .testTarget(name: "XenSystemTests", dependencies: ["XenSystem", "XenSystemTesting"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering"]),
        .testTarget(name: "XenInterfaceTests", dependencies: ["XenInterface", "XenSystem", "CPUIDProbe", "ABITestSupport"]),
        .testTarget(name: "ABI32Tests", dependencies: ["ABI32", "XenInterface", "ABITestSupport"]),
        .testTarget(name: "ABI64Tests", dependencies: ["ABI64", "XenInterface", "ABITestSupport"]),
        .testTarget(name: "XenCompatTests", dependencies: ["XenCompat", "ABI32", "ABI64", "XenInterface", "ABITestSupport"]),
        .testTarget(name: "CPUIDProbeTests", dependencies: ["CPUIDProbe", "XenSystem", "XenSystemTesting"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HypercallPageTests", dependencies: ["HypercallPage", "XenInterface", "XenSystem", "CPUIDProbe",
                                                           "Rendering", "ABITestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "HypercallPageInstallTests",
                    dependencies: ["HypercallPageInstall", "HypercallPage", "XenInterface", "XenSystem", "XenSystemTesting",
                                   "CPUIDProbe", "Rendering"]),
        .testTarget(name: "PrivcmdHypercallsTests",
                    dependencies: ["PrivcmdHypercalls", "HypercallPage", "HypercallPageInstall", "XenInterface", "XenSystem",
                                   "XenSystemTesting", "Rendering"]),
        .testTarget(name: "PVFoundationsTests",
                    dependencies: ["PVFoundations", "PVExtensions", "PrivcmdHypercalls", "XenInterface", "XenStore", "XenSystem",
                                   "XenSystemTesting", "CPUIDProbe", "Rendering"]),
        .testTarget(name: "HypercallPlanTests", dependencies: ["HypercallPlan", "XenSystem", "XenInterface", "ABI32", "ABI64"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "XenStoreTests", dependencies: ["XenStore", "XenInterface", "XenSystem"]),
        .testTarget(name: "PVExtensionsTests",
                    dependencies: ["PVExtensions", "CPUIDProbe", "XenInterface", "XenStore", "XenSystem", "XenSystemTesting", "Rendering"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "CPUIDProbe", "XenSystem", "XenSystemTesting", "Rendering",
                                                    "PVExtensions"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "xen-detectTests", dependencies: ["xen-detect", "XenCompat"]),
        // The code of the DocC articles (Sources/*/*.docc), compiled and run; library products only.
        .testTarget(name: "DocumentationTests",
                    dependencies: ["CPUIDProbe", "XenSystem", "XenSystemTesting", "XenInterface", "ABI32", "ABI64",
                                   "XenCompat", "HypercallPage", "HypercallPageInstall", "PrivcmdHypercalls"]),
    ]
)

// Strict memory safety (SE-0458) for every Swift module of the toolkit: each unsafe construct must
// be marked `unsafe`, so the compiler shows where they are. They live in XenSystem's raw layer
// only (LinuxSystem*.swift, LinuxXenDevices.swift, Processor.swift, UncheckedBytes.swift); scripts/test.sh fails
// the build of the tests when a warning or an `unsafe` appears anywhere else.
for target in package.targets where !target.isTest && target.name != "CXenShim" && target.name != "ABITestSupport" {
    target.swiftSettings = (target.swiftSettings ?? []) + [.strictMemorySafety()]
}
