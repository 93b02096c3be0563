import Rendering
import XenSystem

extension HypervisorRange {
    func json(view: String) -> JSONValue {
        .object([
            ("name", .string(name)),
            ("signature", .string(signature.description)),
            ("leafBase", .number(leafBase)),
            ("maxLeaf", .number(maxLeaf)),
            ("view", .string(view)),
        ])
    }
}

extension ProbeReport {
    /// The `--json` report. Keys are stable and documented in the README.
    package var json: JSONValue {
        var xenMembers: [(String, JSONValue)] = [
            ("detected", .bool(xenDetected)),
            ("context", context.map { .string($0.rawValue) } ?? .null),
            ("contextSource", contextSource.map { .string($0) } ?? .null),
            ("decidedBy", .string(decision.decidedBy.rawValue)),
            ("version", version.map { .object([("major", .number($0.major)), ("minor", .number($0.minor))]) } ?? .null),
            ("versionExtra", sysfs?.isXen == true ? .optional(SysfsHypervisor.chopped(sysfs?.versionExtra).map { .string($0) }) : .null),
            ("view", xenView.map { .string($0.rawValue) } ?? .null),
            ("leafBase", xen.map { .number($0.range.leafBase) } ?? .null),
            ("maxLeaf", xen.map { .number($0.range.maxLeaf) } ?? .null),
            ("msrBase", xen.map { .number($0.hypercall.msrBase) } ?? .null),
            ("hypercallPages", xen.map { .number($0.hypercall.hypercallPages) } ?? .null),
            ("features", xen.map { .number($0.hypercall.features1.rawValue) } ?? .null),
            ("features2", xen.map { .number($0.hypercall.features2) } ?? .null),
            ("mmuPtUpdatePreserveAD", xen.map { .bool($0.hypercall.features1.contains(.mmuPTUpdatePreserveAD)) } ?? .null),
        ]
        if let tsc = xen?.tsc {
            xenMembers.append(("tsc", .object([
                ("flags", .number(tsc.flags.rawValue)),
                ("emulated", .bool(tsc.flags.contains(.emulated))),
                ("hostReliable", .bool(tsc.flags.contains(.hostReliable))),
                ("rdtscp", .bool(tsc.flags.contains(.rdtscp))),
                ("mode", .number(tsc.rawMode)),
                ("guestKHz", .number(tsc.guestKHz)),
                ("incarnation", .number(tsc.incarnation)),
                ("offset", .number(tsc.offset)),
                ("mul", .number(tsc.mul)),
                ("shift", .number(tsc.shift)),
                ("hostKHz", .number(tsc.hostKHz)),
            ])))
        } else {
            xenMembers.append(("tsc", .null))
        }
        if let hvm = xen?.hvm {
            xenMembers.append(("hvm", .object([
                ("features", .number(hvm.features.rawValue)),
                ("flags", .array(XenHVMLeaf.Features.names.filter { hvm.features.contains($0.0) }.map { .string($0.1) })),
                ("vcpuId", hvm.vcpuID.map { .number($0) } ?? .null),
                ("domainId", hvm.domainID.map { .number($0) } ?? .null),
            ])))
        } else {
            xenMembers.append(("hvm", .null))
        }
        if let pv = xen?.pv {
            xenMembers.append(("pv", .object([
                ("maxSubleaf", .number(pv.maxSubleaf)),
                ("machineAddressWidth", .number(pv.machineAddressWidth)),
            ])))
        } else {
            xenMembers.append(("pv", .null))
        }
        xenMembers.append(("domain", domain.map { .string($0.rawValue) } ?? .null))
        xenMembers.append(("domainSource", domainSource.map { .string($0.rawValue) } ?? .null))
        xenMembers.append(("domainId", xen?.hvm?.domainID.map { .number($0) } ?? .null))

        var stack: [JSONValue] = []
        if let pvScan, xenView == .forcedEmulation {
            stack += pvScan.ranges.map { $0.json(view: "forcedEmulation") }
        }
        stack += scan.ranges.map { $0.json(view: "cpuid") }

        let scanName: String
        switch scanMode {
        case .firstUnused: scanName = "firstUnused"
        case .exhaustive: scanName = "exhaustive"
        case .firstBaseOnly: scanName = "firstBaseOnly"
        }
        return .object([
            ("xen", .object(xenMembers)),
            ("hypervisors", .array(stack)),
            ("hypervisorBit", scan.hypervisorBit.map { .bool($0) } ?? .null),
            ("kvm", kvm.map { k in .object([
                ("features", .number(k.features)),
                ("flags", .array(k.featureList.map { .string($0) })),
                ("hints", .number(k.hints)),
            ]) } ?? .null),
            ("hyperV", hyperV.map { .object([("interfaceId", .number($0.interfaceID)), ("interface", .string($0.text))]) } ?? .null),
            ("source", .string(source)),
            ("scan", .string(scanName)),
            ("cpuidExecutions", .number(cpuidExecutions)),
            ("forcedEmulationFaults", .number(forcedEmulationFaults)),
            ("evidence", .array(evidence.map(\.json))),
        ])
    }
}
