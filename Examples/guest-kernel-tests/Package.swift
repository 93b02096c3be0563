// swift-tools-version: 6.2
// An example of a package that uses xen-detect's libraries the way a guest-kernel, unikernel or
// driver author would: its own structures described with XenInterface's vocabulary, their layout
// in both x86 ABIs, compat translation, hypercall registers, detection from a recorded dump and
// an install refused through the recording fakes. scripts/example.sh builds and tests it.
import PackageDescription

// A path dependency's identity is its directory's name (the clone's, which need not be
// "xen-detect"); products are named by that identity. From a registry or URL it is "xen-detect".
let xenDetect = Context.packageDirectory.split(separator: "/").dropLast(2).last.map { $0.lowercased() } ?? "xen-detect"


let package = Package(
    name: "guest-kernel-tests",
    platforms: [.macOS(.v13)],
    dependencies: [
        // In your own package: .package(url: "https://github.com/<owner>/xen-detect", from: "0.1.0")
        .package(path: "../.."),
    ],
    targets: [
        // The "driver": one structure of its own, described once.
        .target(name: "GuestDriver", dependencies: [
            .product(name: "XenInterface", package: xenDetect),
        ]),
        .testTarget(
            name: "GuestDriverTests",
            dependencies: [
                "GuestDriver",
                .product(name: "XenInterface", package: xenDetect),
                .product(name: "ABI32", package: xenDetect),
                .product(name: "ABI64", package: xenDetect),
                .product(name: "XenCompat", package: xenDetect),
                .product(name: "CPUIDProbe", package: xenDetect),
                .product(name: "HypercallPage", package: xenDetect),
                .product(name: "HypercallPageInstall", package: xenDetect),
                .product(name: "XenSystem", package: xenDetect),
                .product(name: "XenSystemTesting", package: xenDetect),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

// Using a member of a module needs that module's own import (SE-0444), and the build's
// --explicit-target-dependency-import-check error needs each import declared above.
for target in package.targets {
    target.swiftSettings = [.enableUpcomingFeature("MemberImportVisibility")]
}
