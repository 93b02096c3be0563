import CPUIDProbe

/// The words fleet tools key on, each computed from the one decision (`ProbeReport.decision`, its
/// context, domain and stack) by the peer's own documented rule — what the peer would print if it
/// were right. Nothing here looks at the machine again. Where each peer actually differs: README,
/// "The vocabularies".
package struct Vocabularies: Equatable, Sendable {
    /// systemd-detect-virt's identifier (systemd src/basic/virt.c `detect_vm`, names from
    /// `virtualization_to_string`): "xen" for a Xen domU; for dom0, which systemd does not count as
    /// a VM (`detect_vm_xen_dom0`), the layer below as CPUID leaf 0x40000000 names it, or "none";
    /// without Xen, the CPUID name at 0x40000000, "vm-other" for an unknown one, or "none".
    package let systemd: String
    /// Facter's `virtual`: "xen0" (dom0), "xenhvm" (HVM domU), "xenu" (PV or PVH domU); nil without
    /// Xen or when the domain role is unknown (Facter lib/facter/resolvers/xen.rb, virt_what.rb).
    package let facterVirtual: String?
    /// Facter's `hypervisors.xen`: context ("pv", "hvm", "pvh") and privileged (dom0); nil without Xen.
    package let facterXen: (context: String, privileged: Bool?)?
    /// Ansible's `virtualization_type` ("xen", another hypervisor's Ansible name, or "NA").
    package let ansibleType: String
    /// Ansible's `virtualization_role`: "host" (dom0), "guest", "NA"; nil when Xen's role is unknown.
    package let ansibleRole: String?
    /// Ansible's `virtualization_tech_guest`: what this system is a guest of; nil when unknown.
    package let ansibleTechGuest: [String]?
    /// Ansible's `virtualization_tech_host`: what this system hosts ("xen" in dom0); nil when unknown.
    package let ansibleTechHost: [String]?

    package static func == (a: Vocabularies, b: Vocabularies) -> Bool {
        a.systemd == b.systemd && a.facterVirtual == b.facterVirtual
            && a.facterXen?.context == b.facterXen?.context && a.facterXen?.privileged == b.facterXen?.privileged
            && (a.facterXen == nil) == (b.facterXen == nil)
            && a.ansibleType == b.ansibleType && a.ansibleRole == b.ansibleRole
            && a.ansibleTechGuest == b.ansibleTechGuest && a.ansibleTechHost == b.ansibleTechHost
    }

    /// Ansible's word for a hypervisor (ansible module_utils/facts/virtual/linux.py: QEMU's DMI
    /// vendor counts as "kvm", Hyper-V as "VirtualPC", VMware as "VMware"); systemd's name where
    /// Ansible has none.
    package static func ansibleName(_ vendor: HypervisorVendor?) -> String {
        switch vendor {
        case .xen: return "xen"
        case .kvm, .qemu: return "kvm"
        case .vmware: return "VMware"
        case .microsoft: return "VirtualPC"
        case .oracle: return "virtualbox"
        case .parallels: return "parallels"
        case .bhyve: return "bhyve"
        case .some(let v): return v.rawValue
        case .none: return "unknown"
        }
    }
}

extension ProbeReport {
    /// The hypervisors below Xen: only a PV guest sees them, in plain CPUID (Xen answers behind the
    /// forced-emulation prefix). In HVM and PVH every range plain CPUID shows is Xen's own
    /// interface (Viridian's "Microsoft Hv" included).
    package var layersBelowXen: [HypervisorRange] {
        guard xenDetected, xenView == .forcedEmulation else { return [] }
        return scan.ranges.filter { $0.vendor != .xen }
    }

    /// The peers' vocabularies, rendered from this report's decision, domain and stack.
    package var vocabularies: Vocabularies {
        let below = layersBelowXen
        func systemdName(_ r: HypervisorRange?) -> String {
            guard let r else { return "none" }
            return r.vendor?.rawValue ?? "vm-other"
        }
        guard xenDetected else {
            // systemd's detect_vm_cpuid reads leaf 0x40000000 only.
            let first = scan.ranges.first { $0.leafBase == hypervisorLeafFirst }
            let names = scan.ranges.map { Vocabularies.ansibleName($0.vendor) }
            return Vocabularies(
                systemd: systemdName(first), facterVirtual: nil, facterXen: nil,
                ansibleType: first.map { Vocabularies.ansibleName($0.vendor) } ?? "NA",
                ansibleRole: first == nil ? "NA" : "guest",
                ansibleTechGuest: uniqued(names), ansibleTechHost: [])
        }
        let contextWord = (context?.rawValue ?? decision.typeText).lowercased()
        let belowNames = below.map { Vocabularies.ansibleName($0.vendor) }
        switch domain {
        case .dom0:
            return Vocabularies(
                systemd: systemdName(below.first { $0.leafBase == hypervisorLeafFirst }),
                facterVirtual: "xen0", facterXen: (contextWord, true),
                ansibleType: "xen", ansibleRole: "host", ansibleTechGuest: uniqued(belowNames), ansibleTechHost: ["xen"])
        case .domU:
            return Vocabularies(
                systemd: "xen", facterVirtual: context == .hvm ? "xenhvm" : "xenu", facterXen: (contextWord, false),
                ansibleType: "xen", ansibleRole: "guest", ansibleTechGuest: uniqued(["xen"] + belowNames), ansibleTechHost: [])
        case nil:
            // systemd counts a Xen guest whose role it cannot read as a domU (detect_vm_xen_dom0
            // returns 0 without /proc/xen/capabilities); Facter and Ansible need the role.
            return Vocabularies(
                systemd: "xen", facterVirtual: nil, facterXen: (contextWord, nil),
                ansibleType: "xen", ansibleRole: nil, ansibleTechGuest: nil, ansibleTechHost: nil)
        }
    }
}

private func uniqued(_ names: [String]) -> [String] {
    var seen: [String] = []
    for n in names where !seen.contains(n) { seen.append(n) }
    return seen
}
